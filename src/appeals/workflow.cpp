#include "appeals/workflow.h"

#include <stdexcept>

namespace ecity::appeals {

std::vector<Action> allowed_actions(const Facts& f, const Role& r) {
  std::vector<Action> out;
  auto allow = [&](Action a, bool who) {
    if (who) out.push_back(a);
  };
  const State s = f.state;
  allow(Action::kAnswer, s == State::kRegistered && r.intake);
  allow(Action::kDispatch, s == State::kRegistered && r.dispatch);
  allow(Action::kSign, s == State::kDispatched && r.unit_lead);
  allow(Action::kSubdispatch, s == State::kHandling && r.unit_lead && f.lead_is_region && !f.has_subunit);
  allow(Action::kRequestReturn, (s == State::kDispatched || s == State::kHandling) && r.unit_lead);
  allow(Action::kApproveReturn, s == State::kReturnRequested && r.dispatch);
  allow(Action::kRejectReturn, s == State::kReturnRequested && r.dispatch);
  allow(Action::kRequestExtension, s == State::kHandling && r.unit && !f.extension_pending);
  allow(Action::kApproveExtension, s == State::kHandling && r.dispatch && f.extension_pending);
  allow(Action::kRejectExtension, s == State::kHandling && r.dispatch && f.extension_pending);
  allow(Action::kReply, s == State::kHandling && r.unit);
  allow(Action::kApprove, s == State::kReplied && r.dispatch);
  allow(Action::kSendBack, s == State::kReplied && r.dispatch);
  allow(Action::kCallback, s == State::kCallback && r.callback);
  allow(Action::kClose, s == State::kCallback && r.dispatch);
  allow(Action::kArchive, s == State::kClosed && r.dispatch);
  allow(Action::kSupervise, is_open(s) && s != State::kRegistered && (r.supervise || r.dispatch));
  allow(Action::kRemind, is_open(s) && s != State::kRegistered && (r.supervise || r.dispatch));
  allow(Action::kMerge, s == State::kRegistered && (r.intake || r.dispatch));
  return out;
}

bool reopens(const CallbackOutcome& o) {
  return o.reached && !o.final_round && (!o.solved || o.satisfaction == Satisfaction::kDissatisfied);
}

State next_state(State from, Action action, const std::optional<CallbackOutcome>& outcome) {
  switch (action) {
    case Action::kAnswer:
      return State::kClosed;
    case Action::kDispatch:
      return State::kDispatched;
    case Action::kSign:
      return State::kHandling;
    case Action::kRequestReturn:
      return State::kReturnRequested;
    case Action::kApproveReturn:
      return State::kRegistered;
    case Action::kRejectReturn:
      return State::kHandling;
    case Action::kReply:
      return State::kReplied;
    case Action::kApprove:
      return State::kCallback;
    case Action::kSendBack:
      return State::kHandling;
    case Action::kCallback:
      if (!outcome) throw std::logic_error("a callback needs its outcome");
      if (!outcome->reached) return State::kCallback;
      return reopens(*outcome) ? State::kHandling : State::kClosed;
    case Action::kClose:
      return State::kClosed;
    case Action::kArchive:
      return State::kArchived;
    case Action::kMerge:
      return State::kMerged;
    case Action::kSubdispatch:
    case Action::kRequestExtension:
    case Action::kApproveExtension:
    case Action::kRejectExtension:
    case Action::kSupervise:
    case Action::kRemind:
    case Action::kRegister:
      return from;
  }
  return from;
}

}  // namespace ecity::appeals
