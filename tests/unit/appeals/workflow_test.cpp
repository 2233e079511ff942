// The lifecycle rules, table by table: who may do what in which state, and where it leads.
#include "appeals/workflow.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace ecity::appeals {
namespace {

bool can(const Facts& f, const Role& r, Action a) {
  auto v = allowed_actions(f, r);
  return std::find(v.begin(), v.end(), a) != v.end();
}

Role agent() { return Role{true, false, false, false, true, false}; }
Role dispatcher() { return Role{true, true, false, false, true, true}; }
Role lead_unit() { return Role{false, false, true, true, false, false}; }
Role sub_unit() { return Role{false, false, true, false, false, false}; }
Role leader() { return Role{false, false, false, false, false, true}; }
Role outsider() { return Role{}; }

TEST(Workflow, EachStateAllowsExactlyItsActions) {
  EXPECT_EQ(allowed_actions({State::kRegistered}, dispatcher()),
            (std::vector<Action>{Action::kAnswer, Action::kDispatch, Action::kMerge}));
  EXPECT_EQ(allowed_actions({State::kRegistered}, agent()), (std::vector<Action>{Action::kAnswer, Action::kMerge}));
  EXPECT_EQ(allowed_actions({State::kDispatched}, lead_unit()),
            (std::vector<Action>{Action::kSign, Action::kRequestReturn}));
  EXPECT_EQ(allowed_actions({State::kHandling}, lead_unit()),
            (std::vector<Action>{Action::kRequestReturn, Action::kRequestExtension, Action::kReply}));
  EXPECT_EQ(
      allowed_actions({State::kHandling, false, true, false}, lead_unit()),
      (std::vector<Action>{Action::kSubdispatch, Action::kRequestReturn, Action::kRequestExtension, Action::kReply}));
  EXPECT_EQ(allowed_actions({State::kReplied}, dispatcher()),
            (std::vector<Action>{Action::kApprove, Action::kSendBack, Action::kSupervise, Action::kRemind}));
  EXPECT_EQ(allowed_actions({State::kCallback}, agent()), (std::vector<Action>{Action::kCallback}));
  EXPECT_EQ(allowed_actions({State::kClosed}, dispatcher()), (std::vector<Action>{Action::kArchive}));
  EXPECT_TRUE(allowed_actions({State::kArchived}, dispatcher()).empty());
  EXPECT_TRUE(allowed_actions({State::kMerged}, dispatcher()).empty());
}

TEST(Workflow, NobodyActsOutsideTheirLane) {
  for (auto s : all<State>()) {
    EXPECT_TRUE(allowed_actions({s}, outsider()).empty()) << code(s);
    EXPECT_FALSE(can({s}, agent(), Action::kDispatch)) << code(s);
    EXPECT_FALSE(can({s}, lead_unit(), Action::kApprove)) << code(s);
    EXPECT_FALSE(can({s}, leader(), Action::kReply)) << code(s);
  }
  // The second-level unit may reply and ask for time, but not sign, return or sub-dispatch.
  EXPECT_FALSE(can({State::kDispatched}, sub_unit(), Action::kSign));
  EXPECT_FALSE(can({State::kHandling}, sub_unit(), Action::kRequestReturn));
  EXPECT_FALSE(can({State::kHandling, false, true, false}, sub_unit(), Action::kSubdispatch));
  EXPECT_TRUE(can({State::kHandling}, sub_unit(), Action::kReply));
  // Leaders supervise open, dispatched cases only.
  EXPECT_TRUE(can({State::kHandling}, leader(), Action::kSupervise));
  EXPECT_FALSE(can({State::kRegistered}, leader(), Action::kSupervise));
  EXPECT_FALSE(can({State::kClosed}, leader(), Action::kRemind));
}

TEST(Workflow, ExtensionsOneAtATime) {
  EXPECT_TRUE(can({State::kHandling, false}, lead_unit(), Action::kRequestExtension));
  EXPECT_FALSE(can({State::kHandling, true}, lead_unit(), Action::kRequestExtension));
  EXPECT_FALSE(can({State::kHandling, false}, dispatcher(), Action::kApproveExtension));
  EXPECT_TRUE(can({State::kHandling, true}, dispatcher(), Action::kApproveExtension));
  EXPECT_TRUE(can({State::kHandling, true}, dispatcher(), Action::kRejectExtension));
}

TEST(Workflow, WhereActionsLead) {
  EXPECT_EQ(next_state(State::kRegistered, Action::kDispatch), State::kDispatched);
  EXPECT_EQ(next_state(State::kDispatched, Action::kSign), State::kHandling);
  EXPECT_EQ(next_state(State::kReturnRequested, Action::kApproveReturn), State::kRegistered);
  EXPECT_EQ(next_state(State::kReturnRequested, Action::kRejectReturn), State::kHandling);
  EXPECT_EQ(next_state(State::kHandling, Action::kRequestExtension), State::kHandling);
  EXPECT_EQ(next_state(State::kReplied, Action::kSendBack), State::kHandling);
  EXPECT_EQ(next_state(State::kRegistered, Action::kAnswer), State::kClosed);
  EXPECT_EQ(next_state(State::kRegistered, Action::kMerge), State::kMerged);
}

TEST(Workflow, CallbackOutcomes) {
  auto after = [](bool reached, bool solved, std::optional<Satisfaction> s) {
    return next_state(State::kCallback, Action::kCallback, CallbackOutcome{reached, solved, s});
  };
  EXPECT_EQ(after(false, false, std::nullopt), State::kCallback);  // try again later
  EXPECT_EQ(after(true, true, Satisfaction::kSatisfied), State::kClosed);
  EXPECT_EQ(after(true, true, Satisfaction::kBasicallySatisfied), State::kClosed);
  EXPECT_EQ(after(true, true, Satisfaction::kDissatisfied), State::kHandling);  // 重办
  EXPECT_EQ(after(true, false, Satisfaction::kSatisfied), State::kHandling);
  EXPECT_THROW(next_state(State::kCallback, Action::kCallback), std::logic_error);
}

TEST(Model, CodesRoundTripAndUnknownCodesAreRefused) {
  for (auto a : all<Action>()) EXPECT_EQ(parse<Action>(code(a)), a);
  for (auto s : all<State>()) EXPECT_EQ(parse<State>(code(s)), s);
  EXPECT_EQ(parse<Channel>("fax"), std::nullopt);
  EXPECT_EQ(parse<Urgency>(""), std::nullopt);
  EXPECT_EQ(label_zh(State::kCallback), "待回访");
  EXPECT_EQ(label_zh(AppealType::kComplaint), "投诉");
}

}  // namespace
}  // namespace ecity::appeals

namespace ecity::appeals {
namespace {

TEST(Workflow, ReopeningIsLimited) {
  CallbackOutcome o{true, false, Satisfaction::kDissatisfied};
  EXPECT_TRUE(reopens(o));
  EXPECT_EQ(next_state(State::kCallback, Action::kCallback, o), State::kHandling);
  o.final_round = true;  // reopened as often as allowed: the outcome is recorded, the case closes
  EXPECT_FALSE(reopens(o));
  EXPECT_EQ(next_state(State::kCallback, Action::kCallback, o), State::kClosed);
  o.reached = false;  // not reached: try again, final or not
  EXPECT_EQ(next_state(State::kCallback, Action::kCallback, o), State::kCallback);
}

}  // namespace
}  // namespace ecity::appeals
