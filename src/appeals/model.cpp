#include "appeals/model.h"

#include <map>
#include <set>

#include <array>
#include <utility>

namespace ecity::appeals {

namespace {

template <typename E>
struct Names;

#define ECITY_NAMES(E, ...)                                                                \
  template <>                                                                              \
  struct Names<E> {                                                                        \
    static constexpr std::pair<std::string_view, std::string_view> kAll[] = {__VA_ARGS__}; \
  };

ECITY_NAMES(Channel, {"phone", "12345热线"}, {"website", "网站"}, {"wechat", "微信"}, {"app", "移动应用"},
            {"letter", "来信"}, {"leader_mailbox", "领导信箱"}, {"provincial", "省级平台转办"},
            {"national", "国家平台转办"}, {"open311", "开放接口"})
ECITY_NAMES(AppealType, {"consult", "咨询"}, {"help", "求助"}, {"complaint", "投诉"}, {"report", "举报"},
            {"suggestion", "建议"}, {"praise", "表扬"}, {"other", "其他"})
ECITY_NAMES(Urgency, {"normal", "普通"}, {"urgent", "紧急"}, {"critical", "特急"})
ECITY_NAMES(State, {"registered", "已受理"}, {"dispatched", "待签收"}, {"handling", "办理中"},
            {"return_requested", "退单审核中"}, {"replied", "待审核"}, {"callback", "待回访"}, {"closed", "已办结"},
            {"archived", "已归档"}, {"merged", "已并单"})
ECITY_NAMES(Action, {"answer", "直接答复"}, {"dispatch", "派单"}, {"sign", "签收"}, {"subdispatch", "二级派单"},
            {"request_return", "申请退单"}, {"approve_return", "同意退单"}, {"reject_return", "驳回退单"},
            {"request_extension", "申请延期"}, {"approve_extension", "同意延期"}, {"reject_extension", "驳回延期"},
            {"reply", "回复"}, {"approve", "审核通过"}, {"send_back", "审核退回"}, {"callback", "回访"},
            {"close", "办结"}, {"archive", "归档"}, {"supervise", "督办"}, {"remind", "催办"}, {"merge", "并单"},
            {"register", "受理"})
ECITY_NAMES(ReplyResult, {"solved", "已解决"}, {"partly", "部分解决"}, {"unsolved", "未解决"})
ECITY_NAMES(Satisfaction, {"satisfied", "满意"}, {"basically_satisfied", "基本满意"}, {"dissatisfied", "不满意"})
ECITY_NAMES(Warning, {"green", "正常"}, {"yellow", "临期"}, {"red", "超期"})

#undef ECITY_NAMES

template <typename E>
std::string_view code_of(E v) {
  return Names<E>::kAll[static_cast<std::size_t>(v)].first;
}
template <typename E>
std::string_view label_of(E v) {
  return Names<E>::kAll[static_cast<std::size_t>(v)].second;
}

}  // namespace

std::string_view code(Channel v) { return code_of(v); }
std::string_view code(AppealType v) { return code_of(v); }
std::string_view code(Urgency v) { return code_of(v); }
std::string_view code(State v) { return code_of(v); }
std::string_view code(Action v) { return code_of(v); }
std::string_view code(ReplyResult v) { return code_of(v); }
std::string_view code(Satisfaction v) { return code_of(v); }
std::string_view code(Warning v) { return code_of(v); }
std::string_view label_zh(Channel v) { return label_of(v); }
std::string_view label_zh(Satisfaction v) { return label_of(v); }
std::string_view label_zh(ReplyResult v) { return label_of(v); }
std::string_view label_zh(AppealType v) { return label_of(v); }
std::string_view label_zh(Urgency v) { return label_of(v); }
std::string_view label_zh(State v) { return label_of(v); }
std::string_view label_zh(Action v) { return label_of(v); }

template <typename E>
std::optional<E> parse(std::string_view c) {
  const auto& names = Names<E>::kAll;
  for (std::size_t i = 0; i < std::size(names); ++i)
    if (names[i].first == c) return static_cast<E>(i);
  return std::nullopt;
}

template <typename E>
const std::vector<E>& all() {
  static const std::vector<E> values = [] {
    std::vector<E> v;
    for (std::size_t i = 0; i < std::size(Names<E>::kAll); ++i) v.push_back(static_cast<E>(i));
    return v;
  }();
  return values;
}

#define ECITY_INSTANTIATE(E)                            \
  template std::optional<E> parse<E>(std::string_view); \
  template const std::vector<E>& all<E>();
ECITY_INSTANTIATE(Channel)
ECITY_INSTANTIATE(AppealType)
ECITY_INSTANTIATE(Urgency)
ECITY_INSTANTIATE(State)
ECITY_INSTANTIATE(Action)
ECITY_INSTANTIATE(ReplyResult)
ECITY_INSTANTIATE(Satisfaction)
ECITY_INSTANTIATE(Warning)
#undef ECITY_INSTANTIATE

bool is_open(State s) { return s != State::kClosed && s != State::kArchived && s != State::kMerged; }

std::vector<CategoryInUse> categories_in_use(const std::vector<Category>& all) {
  std::map<std::int64_t, const Category*> by_id;
  for (const auto& c : all) by_id[c.id] = &c;
  auto in_use = [&](const Category& c) {
    for (const Category* p = &c;;) {
      if (!p->active) return false;
      if (!p->parent_id) return true;
      auto it = by_id.find(*p->parent_id);
      if (it == by_id.end()) return false;
      p = it->second;
    }
  };
  std::set<std::int64_t> used, parents;
  for (const auto& c : all)
    if (in_use(c)) {
      used.insert(c.id);
      if (c.parent_id) parents.insert(*c.parent_id);
    }
  std::vector<CategoryInUse> out;
  for (const auto& c : all)
    if (used.count(c.id)) out.push_back({c, !parents.count(c.id)});
  return out;
}

}  // namespace ecity::appeals
