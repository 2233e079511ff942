// The appeals service: intake, the lifecycle actions, reads and lists, each in one
// transaction through the store, audited, with an outbox event per change. Decides who may
// do what (workflow.h) and which cases a user may see (data scope); formats no JSON.
#pragma once

#include "appeals/model.h"
#include "appeals/settings.h"
#include "appeals/similarity.h"
#include "appeals/sla.h"
#include "appeals/store.h"
#include "appeals/workflow.h"

#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace ecity::platform {
class Runtime;
}

namespace ecity::appeals {

// What an agent (or a citizen, or Open311) files.
struct NewAppeal {
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
  std::optional<std::int64_t> region_id;  // explicit; otherwise located from lng/lat
  std::vector<std::string> tags;
};

// The fields of one action; which are required depends on the action (routes check shapes,
// the service checks meaning).
struct ActionInput {
  Action action = Action::kSign;
  std::string note;                                // free text on the timeline
  std::optional<std::int64_t> lead_department_id;  // dispatch
  std::optional<std::int64_t> lead_region_id;      // dispatch (to a town)
  std::vector<std::int64_t> co_department_ids;     // dispatch
  std::optional<std::int64_t> region_id;           // subdispatch
  std::optional<int> extra_days;                   // request_extension: working days to add
  std::optional<std::string> text;                 // reply, answer
  std::optional<ReplyResult> result;               // reply
  std::optional<CallbackOutcome> callback;         // callback
  std::optional<std::string> supervise_level;      // supervise: district | department
  std::optional<std::string> supervise_due_date;   // supervise: YYYY-MM-DD
  std::optional<std::int64_t> master_id;           // merge
  std::vector<std::int64_t> attachment_ids;        // reply: attachments of this case that go with it
};

// What the intake form has typed so far; every part optional.
struct DuplicateQuery {
  std::string caller_phone;
  std::optional<std::int64_t> category_id;
  std::optional<double> lng, lat;
  std::string content;
  std::optional<std::int64_t> exclude_id;
};
struct Duplicate {
  Appeal appeal;
  std::vector<std::string> reasons;  // same_phone, nearby_similar
  std::optional<double> distance_m, similarity;
};
struct Duplicates {
  std::vector<Duplicate> items;  // newest first, at most 10
  bool repeat = false;           // the phone filed this category within duplicate_days
};

// A case as a user sees it: masked where the user may not see personal data.
struct CaseView {
  Appeal appeal;
  std::vector<std::int64_t> co_department_ids;
  std::vector<TimelineEntry> timeline;
  std::vector<Action> allowed;
  std::optional<UnitRequest> pending_return, pending_extension;
  std::vector<Attachment> attachments;
};

// A time limit as it applies to a category: its own, an ancestor's or the district default's.
struct SlaRow {
  Urgency urgency = Urgency::kNormal;
  SlaLimit limit;
  std::int64_t source_category_id = 0;  // 0: the district default
  bool own = false;                     // set on this category itself
};

class AppealService {
 public:
  explicit AppealService(platform::Runtime& rt);

  // Loads the default catalogue and service levels if the district has none yet.
  void ensure_catalogue(const std::string& catalogue_file);

  // Registers a case (受理) with a fresh query code (returned in Appeal::query_code, stored
  // hashed). `also` runs in the same transaction after the insert (Open311 keeps its row).
  Appeal create(const platform::Principal& who, const platform::Actor& actor, const NewAppeal& in,
                const std::function<void(platform::Tx&, const Appeal&)>& also = {});
  // The same without blocking the calling thread (POST /api/appeals): validates now (throws
  // Error as create() does), then returns; `done` runs on the database's commit thread once the
  // case's group has committed (nullptr, the registered case) or failed (the error). `done`
  // must only hand the result on (see Database::submit_grouped).
  void create_async(std::shared_ptr<const platform::Principal> who, const platform::Actor& actor, const NewAppeal& in,
                    std::function<void(std::exception_ptr, const Appeal&)> done);
  CaseView get(const platform::Principal& who, std::int64_t id);
  // Attaches a file to a case (attachments.cpp): by the centre or a unit holding the case,
  // before it is archived; at most kMaxAttachments per case. The type is sniffed from the
  // bytes and must agree with the name's extension and the declared type; the name is a
  // label (never a path). The bytes are durable before the row is written.
  static constexpr int kMaxAttachments = 30;
  Attachment attach(const platform::Principal& who, const platform::Actor& actor, std::int64_t appeal_id,
                    const std::string& name, const std::string& declared_type, std::string_view bytes);
  // An attachment of a case `who` may see, and its bytes (verified against the checksum).
  std::pair<Attachment, std::string> attachment_file(const platform::Principal& who, std::int64_t appeal_id,
                                                     std::int64_t attachment_id);
  CaseView act(const platform::Principal& who, const platform::Actor& actor, std::int64_t id, const ActionInput& in);
  AppealPage list(const platform::Principal& who, const ListFilter& filter);
  std::vector<Category> categories();
  // Likely duplicates among the open cases `who` may see (docs/appeals.md, Duplicates).
  Duplicates duplicates(const platform::Principal& who, const DuplicateQuery& q);
  // Statistics of the cases received in f's period that `who` may see (appeals:stats).
  StatsTable stats(const platform::Principal& who, StatsGroup group, const StatsFilter& f);
  std::vector<RankRow> ranking(const platform::Principal& who, const StatsFilter& f);
  std::vector<HotTown> hot_spots(const platform::Principal& who, const StatsFilter& f, int top);
  Settings settings() const;

  // 派单目录: the rule for a case's category (or its nearest ancestor with one) in its town
  // (or anywhere); nullopt without one. appeals:dispatch.
  std::optional<DispatchRule> dispatch_suggestion(const platform::Principal& who, std::int64_t appeal_id);
  std::vector<DispatchRule> dispatch_rules();
  DispatchRule put_dispatch_rule(const platform::Principal& who, const platform::Actor& actor, DispatchRule rule);
  void delete_dispatch_rule(const platform::Principal& who, const platform::Actor& actor, std::int64_t id);
  void set_auto_dispatch(const platform::Principal& who, const platform::Actor& actor, std::int64_t category_id,
                         bool enabled);
  // The catalogue and its time limits (catalogue.cpp; appeals:config to change). Category 0
  // is the district default of the time limits.
  Category add_category(const platform::Principal& who, const platform::Actor& actor,
                        std::optional<std::int64_t> parent_id, const std::string& code, const std::string& name);
  Category update_category(const platform::Principal& who, const platform::Actor& actor, std::int64_t id,
                           std::optional<std::string> name, std::optional<bool> active);
  std::vector<SlaRow> sla_of(const platform::Principal& who, std::int64_t category_id);
  std::vector<SlaRow> set_sla(const platform::Principal& who, const platform::Actor& actor, std::int64_t category_id,
                              Urgency urgency, const SlaLimit& limit);
  std::vector<SlaRow> clear_sla(const platform::Principal& who, const platform::Actor& actor,
                                std::int64_t category_id, Urgency urgency);
  Settings update_settings(const platform::Principal& who, const platform::Actor& actor, const nlohmann::json& changes);

  // Recomputes the red/yellow/green of open cases and the due dates a calendar update now
  // covers; publishes appeals.case.warning for each change. Returns the number changed.
  int refresh_warnings(std::int64_t now);

  // Brings the statistics roll-up up to date with every committed change (store.h,
  // refresh_stats_rollup); statistics reads call it first, the job every second. Returns the
  // number of days recomputed.
  int refresh_stats();

  // Indexes the content of newly registered cases for full-text search (SQLite; see
  // store.h). Returns the number indexed.
  int index_text();

  // The SQL condition (alias `a`) selecting the cases `who` may see. Public for statistics.
  static std::string scope_condition(const platform::Principal& who);

 private:
  Role role_of(soci::session& sql, const platform::Principal& who, const Appeal& a);
  // Applies an allowed action to a loaded case: fields, state, version check, timeline line
  // (by `user_name`), operation log, outbox event, merged duplicates. REQUIRES: allowed.
  void perform(platform::Tx& tx, const platform::Principal& who, const platform::Actor& actor, Appeal& a,
               const ActionInput& in, const std::string& user_name);
  void apply(soci::session& sql, const platform::Principal& who, Appeal& a, const ActionInput& in, std::int64_t now,
             std::string& note);
  void set_due_dates(soci::session& sql, Appeal& a, std::int64_t from);
  // A registration checked and ready to commit: `run` writes it in the group's transaction and
  // fills in `appeal` (id, number, due dates …).
  struct Intake {
    std::shared_ptr<Appeal> appeal;
    std::function<void(platform::Tx&)> run;
  };
  Intake prepare_intake(std::shared_ptr<const platform::Principal> who, const platform::Actor& actor,
                        const NewAppeal& in, std::function<void(platform::Tx&, const Appeal&)> also);
  bool visible(soci::session& sql, const platform::Principal& who, std::int64_t id);

  // What intake checks on every registration, kept in memory (the catalogue changes rarely).
  struct Snapshot {
    struct Entry {
      bool active = true;
      bool leaf = true;
      bool auto_dispatch = false;
      std::optional<std::int64_t> parent;
    };
    std::map<std::int64_t, Entry> categories;
    Settings settings;
    std::map<std::pair<std::int64_t, std::int64_t>, DispatchRule> rules;  // (category, region)
  };
  void reload_snapshot();
  static std::optional<DispatchRule> rule_for(const Snapshot& snap, std::int64_t category_id,
                                              std::optional<std::int64_t> town_id);
  std::shared_ptr<const Snapshot> snapshot() const;

  platform::Runtime& rt_;
  const platform::OfficeHours hours_;  // from the configuration, parsed once
  WarningRule warning_rule_;
  mutable std::mutex snapshot_mu_;
  std::shared_ptr<const Snapshot> snapshot_;  // guarded by snapshot_mu_ (the pointer)
};

}  // namespace ecity::appeals
