// SQL of the appeals module, nothing else: no rules, no permissions (the service decides).
// Every function runs on the session (or transaction) it is given.
#pragma once

#include "appeals/model.h"
#include "appeals/sla.h"
#include "appeals/stats.h"

#include "platform/db/database.h"

#include <soci/soci.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ecity::appeals {

// ---- catalogue and service levels
std::vector<Category> load_categories(soci::session& sql);
std::optional<Category> find_category(soci::session& sql, std::int64_t id);
std::int64_t insert_category(soci::session& sql, std::optional<std::int64_t> parent_id, const std::string& code,
                             const std::string& name, int sort);
// The limits of a category for an urgency: its own row, its nearest ancestor's, the default.
// nullopt if not even a default exists.
std::optional<SlaLimit> find_sla(soci::session& sql, const Category& category, Urgency urgency);
// The same, with where it comes from: the category's own row, an ancestor's, or 0 (the default).
struct SlaSource {
  SlaLimit limit;
  std::int64_t category_id = 0;
};
std::optional<SlaSource> find_sla_source(soci::session& sql, const Category& category, Urgency urgency);
bool delete_sla(soci::session& sql, std::int64_t category_id, Urgency urgency);
void update_category(soci::session& sql, const Category& c);
bool category_code_taken(soci::session& sql, const std::string& code);
void upsert_sla(soci::session& sql, std::int64_t category_id, Urgency urgency, const SlaLimit& limit);

// ---- dispatch catalogue (派单目录)
std::vector<DispatchRule> load_dispatch_rules(soci::session& sql);
// Inserts, or replaces the rule of the same (category, region). Returns its id.
std::int64_t upsert_dispatch_rule(soci::session& sql, const DispatchRule& r);
bool delete_dispatch_rule(soci::session& sql, std::int64_t id);
void set_auto_dispatch(soci::session& sql, std::int64_t category_id, bool enabled);

// ---- settings (business settings the centre edits; see settings.h)
std::map<std::string, std::string> load_settings(soci::session& sql);
void set_setting(soci::session& sql, const std::string& key, const std::string& value);

// ---- cases
// The next case number for a local day "YYYYMMDD": prefix + day + 6-digit sequence.
// The hot intake statements are prepared once per pooled session (`db` owns the cache).
std::string next_number(platform::Database& db, soci::session& sql, const std::string& prefix, const std::string& day);
std::int64_t insert_appeal(platform::Database& db, soci::session& sql, const Appeal& a);
std::optional<Appeal> load_appeal(soci::session& sql, std::int64_t id);
// Bulk load of whole cases with their ids and every column (history imports, the demo year):
// one prepared statement for all rows; on SQLite their replies are indexed for full text in
// one statement. REQUIRES: an open transaction; ids not in use, ascending.
void insert_appeals_bulk(soci::session& sql, platform::Dialect dialect, const std::vector<Appeal>& cases);
void insert_timeline_bulk(soci::session& sql, platform::Dialect dialect, const std::vector<TimelineEntry>& entries);
// Raises the day's last case number to at least `last` (after a bulk load).
void raise_number(soci::session& sql, const std::string& day, int last);
std::int64_t max_appeal_id(soci::session& sql);
// SQLite: this connection's page cache in MiB (a bulk load raises it, then restores it).
void set_page_cache(soci::session& sql, platform::Dialect dialect, int mib);
// PostgreSQL: moves the id sequences past explicitly inserted ids. No-op on SQLite.
void sync_id_sequences(soci::session& sql, platform::Dialect dialect);
// Writes every mutable column of `a` if the stored version is still `a.version`; bumps the
// version. Returns false if another writer got there first.
bool update_appeal(soci::session& sql, Appeal& a);
void set_co_units(soci::session& sql, std::int64_t appeal_id, const std::vector<std::int64_t>& department_ids);
std::vector<std::int64_t> load_co_units(soci::session& sql, std::int64_t appeal_id);

std::int64_t append_timeline(platform::Database& db, soci::session& sql, const TimelineEntry& e);
std::vector<TimelineEntry> load_timeline(soci::session& sql, std::int64_t appeal_id);

std::int64_t insert_request(soci::session& sql, std::int64_t appeal_id, const UnitRequest& r, std::int64_t by,
                            std::int64_t at);
std::optional<UnitRequest> pending_request(soci::session& sql, std::int64_t appeal_id, const std::string& kind);
void decide_request(soci::session& sql, std::int64_t request_id, bool approved, std::int64_t by, std::int64_t at);

// Materialised paths of org units (for scope and membership checks).
std::optional<std::string> department_path(soci::session& sql, std::int64_t id);
std::optional<std::string> region_path(soci::session& sql, std::int64_t id);
std::optional<std::string> region_level(soci::session& sql, std::int64_t id);
// Whether region `id` exists, and the town whose subtree holds it (itself if it is a town;
// nullopt above towns). Prepared once per pooled session (intake asks on every case).
struct RegionTown {
  bool exists = false;
  std::optional<std::int64_t> town_id;
};
RegionTown region_town(platform::Database& db, soci::session& sql, std::int64_t region_id);

// ---- duplicates
// Whether `phone` filed an appeal of `category_id` at or after `since` (any state).
bool has_recent_appeal(platform::Database& db, soci::session& sql, const std::string& phone, std::int64_t category_id,
                       std::int64_t since);
// Open cases inside `scope` (alias a): from `phone` created at or after `since`; or of
// `category_id` whose point lies in the box. Newest first, at most `limit`.
std::vector<Appeal> open_by_phone(soci::session& sql, const std::string& phone, std::int64_t since,
                                  const std::string& scope, int limit);
std::vector<Appeal> open_in_box(soci::session& sql, std::int64_t category_id, double lng_lo, double lng_hi,
                                double lat_lo, double lat_hi, const std::string& scope, int limit);

// ---- lists
enum class Sort { kNewest, kOldest, kDueSoonest, kDueLatest, kNumber };
// Lists count their matches up to this many and page through no further: past it a reader
// narrows the filters (or exports), as with any search engine's result window.
constexpr long long kCountCap = 10000;
// A full-text search counts up to this many: a common word matches a few percent of every case,
// and counting its ten-thousandth match walks hundreds of thousands of rows (a second on
// PostgreSQL at 10 M cases). A search is for finding cases; statistics are for counting them.
constexpr long long kSearchCountCap = 1000;
struct ListFilter {
  std::vector<std::string> terms;  // full text: every term in the content or the reply (≥ 2 chars each)
  std::optional<State> state;
  std::optional<AppealType> type;
  std::optional<Channel> channel;
  std::optional<Urgency> urgency;
  std::optional<std::int64_t> category_id;  // and its subtree
  std::optional<std::int64_t> lead_department_id;
  std::optional<std::int64_t> lead_region_id;
  std::optional<std::int64_t> region_id;  // location inside this region's subtree
  std::optional<std::int64_t> created_from, created_to;
  std::optional<Warning> warning;  // open cases of this colour only
  bool overdue = false;            // sign_late or handle_late
  std::optional<Satisfaction> satisfaction;
  bool supervised = false;
  bool repeat = false;
  std::vector<std::int64_t> ids;           // only these cases
  std::vector<std::string> numbers;        // only the cases of these numbers (Open311 service_request_id)
  std::vector<std::int64_t> category_ids;  // any of these categories, exactly (Open311 service_code)
  std::optional<bool> finished;            // true: closed, archived or merged; false: still open
  bool count = true;                       // false: skip the total (Open311 lists have none)
  long long count_cap = kCountCap;         // count at most this many; more is "count_cap+"
  Sort sort = Sort::kNewest;
  int page = 1;
  int size = 20;
};
// A list row: the case and the names a reader needs next to the ids.
struct ListItem {
  Appeal appeal;
  std::string category_name, region_name, lead_unit_name;
};
struct AppealPage {
  std::vector<ListItem> items;
  long long total = 0;      // the matches, up to the filter's count_cap
  bool total_exact = true;  // false: more than count_cap matched
  bool has_more = false;    // another page follows
};
// `scope` is an SQL condition on alias `a` built by the service from the caller (data scope);
// it contains no user input.
AppealPage list_appeals(soci::session& sql, platform::Dialect dialect, const ListFilter& f, const std::string& scope);

// ---- statistics
// Cases received in [from, to) (epoch ms) inside `scope`, with optional filters.
struct StatsFilter {
  std::int64_t from = 0, to = 0;
  std::optional<std::int64_t> region_id, category_id;  // subtrees
  std::optional<Channel> channel;
  std::optional<AppealType> type;
  bool scan = false;  // count the cases even where the roll-up could answer (tests compare the two)
};
// Sums per raw group key (stats.h turns them into rows).
std::vector<KeyedCounters> count_appeals(soci::session& sql, StatsGroup group, const StatsFilter& f,
                                         const std::string& scope);
// The daily roll-up (appeal_stats_daily): recomputes the days that the change log names (at
// most `limit` log rows; returns the number of days recomputed). Call in a write transaction.
int refresh_stats_rollup(soci::session& sql, int limit);
// Every writer of appeals logs the local day of each case it changes (insert_appeal,
// update_appeal and close_merged do it themselves); a bulk load logs every day instead.
void log_stats_change(soci::session& sql, std::int64_t created_at);
void rebuild_stats_rollup(soci::session& sql);
// Merged duplicates of `master_id` close with its reply.
void close_merged(soci::session& sql, std::int64_t master_id, std::int64_t at, const std::optional<std::string>& text,
                  const std::string& result);
// Whether the roll-up can answer `f` for `scope`: everything visible ("1 = 1"), whole local
// days, and no region filter or a town. Otherwise count_appeals() scans the cases.
bool rollup_serves(soci::session& sql, const StatsFilter& f, const std::string& scope);
std::vector<KeyedCounters> count_appeals_rollup(soci::session& sql, StatsGroup group, const StatsFilter& f);
std::vector<TownCategoryCount> count_town_categories_rollup(soci::session& sql, std::int64_t previous_from,
                                                            const StatsFilter& f);
// Per (town, leaf category): cases in [f.from, f.to) and in [previous_from, f.from).
std::vector<TownCategoryCount> count_town_categories(soci::session& sql, std::int64_t previous_from,
                                                     const StatsFilter& f, const std::string& scope);
StatsNames load_stats_names(soci::session& sql);

// ---- full text (SQLite): content is indexed in batches behind a high-water mark
// Indexes the content of up to `limit` cases registered since the last call; returns how
// many. One call per second keeps the unindexed tail (which searches scan) tiny.
// No-op (0) on PostgreSQL, whose trigram index the server maintains.
// ---- Attachments (open_store.cpp).
std::int64_t insert_attachment(soci::session& sql, const Attachment& a);
std::vector<Attachment> load_attachments(soci::session& sql, std::int64_t appeal_id);
int count_attachments(soci::session& sql, std::int64_t appeal_id);

// ---- Open access: citizens' query codes and Open311 (open_store.cpp).

// The id and query-code hash of the case numbered `number`.
struct NumberedCase {
  std::int64_t id = 0;
  std::optional<std::string> query_code_hash;
};
std::optional<NumberedCase> find_by_number(soci::session& sql, const std::string& number);
// The name of the root of the region tree (the district), or "".
std::string root_region_name(soci::session& sql);

std::int64_t insert_open311_client(soci::session& sql, const Open311Client& c, const std::string& key_hash);
std::vector<Open311Client> load_open311_clients(soci::session& sql);
std::optional<Open311Client> find_open311_client(soci::session& sql, const std::string& key_hash);
bool deactivate_open311_client(soci::session& sql, std::int64_t id);
void insert_open311_request(soci::session& sql, const Open311Request& r);
std::optional<Open311Request> find_open311_token(soci::session& sql, const std::string& token);
// Open311 rows of these cases, by appeal id.
std::map<std::int64_t, Open311Request> load_open311_requests(soci::session& sql, const std::vector<std::int64_t>& ids);

int index_new_content(soci::session& sql, platform::Dialect dialect, int limit);

// Open cases with a due date, for the warning job.
std::vector<Appeal> open_with_due_dates(soci::session& sql);

}  // namespace ecity::appeals
