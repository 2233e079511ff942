// Appeals (诉求办理): the plain types of a 12345-style case. No I/O here.
//
// Codes are the stable English identifiers stored in the database and used by the API;
// each has a Chinese label for the console and exports.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecity::appeals {

// Where the appeal came in.
enum class Channel { kPhone, kWebsite, kWechat, kApp, kLetter, kLeaderMailbox, kProvincial, kNational, kOpen311 };
// 咨询/求助/投诉/举报/建议/表扬/其他
enum class AppealType { kConsult, kHelp, kComplaint, kReport, kSuggestion, kPraise, kOther };
// 普通/紧急/特急
enum class Urgency { kNormal, kUrgent, kCritical };

// The case's place in its lifecycle (see workflow.h for the transitions).
enum class State {
  kRegistered,       // 已受理: taken in, not yet dispatched (or returned by the unit)
  kDispatched,       // 待签收: sent to the lead unit, waiting for it to sign
  kHandling,         // 办理中: signed by the unit
  kReturnRequested,  // 退单审核中: the unit asked to give it back
  kReplied,          // 待审核: the unit replied; the centre reviews
  kCallback,         // 待回访: reviewed; waiting for the callback to the caller
  kClosed,           // 已办结
  kArchived,         // 已归档
  kMerged,           // 已并单: a duplicate closed with its master
};

// What a user does to a case. Every one is recorded on the case's timeline.
enum class Action {
  kAnswer,            // 直接答复: the agent answers at intake and closes
  kDispatch,          // 派单: to a lead unit and optional co-units
  kSign,              // 签收
  kSubdispatch,       // 二级派单: a town hands the case to one of its villages or grids
  kRequestReturn,     // 申请退单
  kApproveReturn,     // 同意退单: back to the centre for re-dispatch
  kRejectReturn,      // 驳回退单: back to the unit
  kRequestExtension,  // 申请延期
  kApproveExtension,  // 同意延期: the handling due date moves
  kRejectExtension,   // 驳回延期
  kReply,             // 回复办理结果
  kApprove,           // 审核通过
  kSendBack,          // 审核退回: back to the unit
  kCallback,          // 回访
  kClose,             // 办结 (the centre closes a case whose caller cannot be reached)
  kArchive,           // 归档
  kSupervise,         // 督办
  kRemind,            // 催办
  kMerge,             // 并单: this case duplicates another
  kRegister,          // 受理: the case was taken in (timeline only; not an action on a case)
};

enum class ReplyResult { kSolved, kPartly, kUnsolved };
enum class Satisfaction { kSatisfied, kBasicallySatisfied, kDissatisfied };
// Red/yellow/green of an open case against its due dates.
enum class Warning { kGreen, kYellow, kRed };

std::string_view code(Channel v);
std::string_view code(AppealType v);
std::string_view code(Urgency v);
std::string_view code(State v);
std::string_view code(Action v);
std::string_view code(ReplyResult v);
std::string_view code(Satisfaction v);
std::string_view code(Warning v);
std::string_view label_zh(Channel v);
std::string_view label_zh(AppealType v);
std::string_view label_zh(Urgency v);
std::string_view label_zh(State v);
std::string_view label_zh(Action v);
std::string_view label_zh(Satisfaction v);
std::string_view label_zh(ReplyResult v);


// Parse a code; nullopt if unknown.
template <typename E>
std::optional<E> parse(std::string_view code);

// Every value of an enum, in declaration order (for validation messages and the console).
template <typename E>
const std::vector<E>& all();

bool is_open(State s);  // neither closed, archived nor merged

// One case, as stored.
struct Appeal {
  std::int64_t id = 0;
  std::string number;  // e.g. YC20261127000123
  Channel channel = Channel::kPhone;
  AppealType type = AppealType::kConsult;
  std::int64_t category_id = 0;
  Urgency urgency = Urgency::kNormal;
  std::string caller_name;
  std::string caller_phone;
  bool anonymous = false;
  bool confidential = false;
  std::string content;
  std::string address;
  std::optional<double> lng, lat;
  std::optional<std::int64_t> region_id;
  std::string tags;  // comma-separated
  // The citizen's query code (查询码): set by intake on the case it returns, shown that once;
  // only its hash is stored.
  std::string query_code;
  State state = State::kRegistered;
  std::optional<std::int64_t> lead_department_id, lead_region_id, sub_region_id;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> created_by;
  std::optional<std::int64_t> dispatched_at, signed_at, replied_at, closed_at, archived_at;
  std::optional<std::int64_t> sign_due_at, handle_due_at;
  bool sla_pending = false;
  bool sign_late = false, handle_late = false;
  Warning warning = Warning::kGreen;
  bool extension_pending = false;
  std::optional<std::string> reply_text;
  std::optional<ReplyResult> reply_result;
  std::optional<bool> callback_reached, callback_solved;
  std::optional<Satisfaction> satisfaction;
  std::optional<std::int64_t> master_id;
  int reopen_count = 0, return_count = 0, extension_count = 0;
  std::optional<std::string> supervise_level;
  std::optional<std::int64_t> supervise_due_at;
  int version = 1;
  bool is_repeat = false;               // same phone and category within 30 days before
  std::optional<std::int64_t> town_id;  // the town containing region_id
  std::optional<double> handle_days;    // working days from dispatch to the last reply
};

// One line of a case's timeline.
struct TimelineEntry {
  std::int64_t id = 0;
  std::int64_t appeal_id = 0;
  std::int64_t at = 0;
  std::optional<std::int64_t> user_id;
  std::string user_name;
  Action action = Action::kDispatch;
  State from = State::kRegistered;
  State to = State::kRegistered;
  std::string note;
  std::string data;  // JSON text of the action's fields
};

// A file attached to a case (bytes in the platform's file store under sha256).
struct Attachment {
  std::int64_t id = 0;
  std::int64_t appeal_id = 0;
  std::string name;
  std::string content_type;
  std::int64_t size = 0;
  std::string sha256;
  std::optional<std::int64_t> uploaded_by;
  std::string uploaded_by_name;
  std::int64_t uploaded_at = 0;
};

// An application allowed to use Open311; it acts as its service account `user_id`.
struct Open311Client {
  std::int64_t id = 0;
  std::string name;
  std::string key_prefix;
  Channel channel = Channel::kOpen311;
  std::int64_t user_id = 0;
  std::string user_name;
  bool active = true;
  bool user_active = true;  // the service account is not disabled
  std::int64_t created_at = 0;
};
// What an Open311 POST brought besides the appeal itself.
struct Open311Request {
  std::int64_t appeal_id = 0;
  std::int64_t client_id = 0;
  std::string token;
  std::string service_code;
  std::string account_id, device_id, email, media_url;
  std::string attributes = "{}";  // JSON object of the posted attribute values
};

struct Category {
  std::int64_t id = 0;
  std::optional<std::int64_t> parent_id;
  std::string code;
  std::string name;
  std::string path;
  bool active = true;
  bool auto_dispatch = false;
};

// 派单目录: who leads the cases of a category in a region (region 0 = anywhere in the district).
struct DispatchRule {
  std::int64_t id = 0;
  std::int64_t category_id = 0;
  std::int64_t region_id = 0;
  std::optional<std::int64_t> lead_department_id, lead_region_id;  // exactly one
  std::vector<std::int64_t> co_department_ids;
};

// A pending or decided return/extension request.
struct UnitRequest {
  std::int64_t id = 0;
  std::string kind;  // return | extension
  std::string reason;
  std::optional<std::int64_t> new_due_at;
  std::string status;  // pending | approved | rejected
};

// The catalogue as intake sees it: a category is in use only if it and all its ancestors are
// active (switching a group off switches its children off), and it is a leaf (may be chosen)
// if none of its children is in use. Returns the categories in use, with their leaf flag.
struct CategoryInUse {
  Category category;
  bool leaf = true;
};
std::vector<CategoryInUse> categories_in_use(const std::vector<Category>& all);

}  // namespace ecity::appeals
