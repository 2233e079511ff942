// SQL of attachments and of the open doors: citizens' query codes, Open311 clients and requests.
#include "appeals/store.h"

#include "platform/db/row.h"

namespace ecity::appeals {

using platform::get_i64;
using platform::get_str;
using platform::opt_str;

std::optional<NumberedCase> find_by_number(soci::session& sql, const std::string& number) {
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, query_code_hash FROM appeals WHERE number = :n", soci::use(number));
  for (const auto& r : rows) return NumberedCase{get_i64(r, 0), opt_str(r, 1)};
  return std::nullopt;
}

namespace {

constexpr const char* kClientColumns =
    "SELECT c.id, c.name, c.key_prefix, c.channel, c.user_id, u.name, c.active, c.created_at, u.status "
    "FROM open311_clients c JOIN users u ON u.id = c.user_id";

Open311Client client_of(const soci::row& r) {
  Open311Client c;
  c.id = get_i64(r, 0);
  c.name = get_str(r, 1);
  c.key_prefix = get_str(r, 2);
  c.channel = parse<Channel>(get_str(r, 3)).value_or(Channel::kOpen311);
  c.user_id = get_i64(r, 4);
  c.user_name = get_str(r, 5);
  c.active = get_i64(r, 6) != 0;
  c.created_at = get_i64(r, 7);
  c.user_active = get_str(r, 8) == "active";
  return c;
}

constexpr const char* kRequestColumns =
    "SELECT appeal_id, client_id, token, service_code, account_id, device_id, email, media_url, attributes "
    "FROM open311_requests";

Open311Request request_of(const soci::row& r) {
  return {get_i64(r, 0), get_i64(r, 1), get_str(r, 2), get_str(r, 3), get_str(r, 4),
          get_str(r, 5), get_str(r, 6), get_str(r, 7), get_str(r, 8)};
}

}  // namespace

std::string root_region_name(soci::session& sql) {
  std::string name;
  soci::indicator ind = soci::i_null;
  sql << "SELECT name FROM regions WHERE parent_id IS NULL ORDER BY id LIMIT 1", soci::into(name, ind);
  return ind == soci::i_ok ? name : std::string();
}

std::int64_t insert_open311_client(soci::session& sql, const Open311Client& c, const std::string& key_hash) {
  long long id = 0, user = c.user_id, at = c.created_at;
  std::string channel(code(c.channel));
  sql << "INSERT INTO open311_clients (name, key_hash, key_prefix, channel, user_id, active, created_at) "
         "VALUES (:n, :h, :p, :c, :u, 1, :t) RETURNING id",
      soci::use(c.name), soci::use(key_hash), soci::use(c.key_prefix), soci::use(channel), soci::use(user),
      soci::use(at), soci::into(id);
  return id;
}

std::vector<Open311Client> load_open311_clients(soci::session& sql) {
  std::vector<Open311Client> out;
  soci::rowset<soci::row> rows = sql.prepare << std::string(kClientColumns) + " ORDER BY c.id";
  for (const auto& r : rows) out.push_back(client_of(r));
  return out;
}

std::optional<Open311Client> find_open311_client(soci::session& sql, const std::string& key_hash) {
  soci::rowset<soci::row> rows =
      (sql.prepare << std::string(kClientColumns) + " WHERE c.key_hash = :h", soci::use(key_hash));
  for (const auto& r : rows) return client_of(r);
  return std::nullopt;
}

bool deactivate_open311_client(soci::session& sql, std::int64_t id) {
  long long cid = id;
  soci::statement st = (sql.prepare << "UPDATE open311_clients SET active = 0 WHERE id = :id", soci::use(cid));
  st.execute(true);
  return st.get_affected_rows() > 0;
}

void insert_open311_request(soci::session& sql, const Open311Request& r) {
  long long appeal = r.appeal_id, client = r.client_id;
  sql << "INSERT INTO open311_requests (appeal_id, client_id, token, service_code, account_id, device_id, email, "
         "media_url, attributes) VALUES (:a, :c, :t, :s, :acc, :dev, :e, :m, :attr)",
      soci::use(appeal), soci::use(client), soci::use(r.token), soci::use(r.service_code), soci::use(r.account_id),
      soci::use(r.device_id), soci::use(r.email), soci::use(r.media_url), soci::use(r.attributes);
}

std::optional<Open311Request> find_open311_token(soci::session& sql, const std::string& token) {
  soci::rowset<soci::row> rows = (sql.prepare << std::string(kRequestColumns) + " WHERE token = :t", soci::use(token));
  for (const auto& r : rows) return request_of(r);
  return std::nullopt;
}

std::map<std::int64_t, Open311Request> load_open311_requests(soci::session& sql, const std::vector<std::int64_t>& ids) {
  std::map<std::int64_t, Open311Request> out;
  if (ids.empty()) return out;
  // Ids are integers from our own rows: safe to inline.
  std::string list;
  for (auto id : ids) list += (list.empty() ? "" : ",") + std::to_string(id);
  soci::rowset<soci::row> rows = sql.prepare << std::string(kRequestColumns) + " WHERE appeal_id IN (" + list + ")";
  for (const auto& r : rows) {
    auto req = request_of(r);
    out[req.appeal_id] = std::move(req);
  }
  return out;
}

std::int64_t insert_attachment(soci::session& sql, const Attachment& a) {
  long long id = 0, appeal = a.appeal_id, size = a.size, at = a.uploaded_at;
  platform::Nullable<long long> by(a.uploaded_by);
  sql << "INSERT INTO appeal_attachments (appeal_id, name, content_type, size, sha256, uploaded_by, "
         "uploaded_by_name, uploaded_at) VALUES (:a, :n, :t, :s, :h, :b, :bn, :at) RETURNING id",
      soci::use(appeal), soci::use(a.name), soci::use(a.content_type), soci::use(size), soci::use(a.sha256),
      soci::use(by.value, by.ind), soci::use(a.uploaded_by_name), soci::use(at), soci::into(id);
  return id;
}

int count_attachments(soci::session& sql, std::int64_t appeal_id) {
  long long n = 0, id = appeal_id;
  sql << "SELECT COUNT(*) FROM appeal_attachments WHERE appeal_id = :a", soci::use(id), soci::into(n);
  return static_cast<int>(n);
}

std::vector<Attachment> load_attachments(soci::session& sql, std::int64_t appeal_id) {
  long long id = appeal_id;
  std::vector<Attachment> out;
  soci::rowset<soci::row> rows =
      (sql.prepare << "SELECT id, appeal_id, name, content_type, size, sha256, uploaded_by, uploaded_by_name, "
                      "uploaded_at FROM appeal_attachments WHERE appeal_id = :a ORDER BY id",
       soci::use(id));
  for (const auto& r : rows)
    out.push_back({get_i64(r, 0), get_i64(r, 1), get_str(r, 2), get_str(r, 3), get_i64(r, 4), get_str(r, 5),
                   platform::opt_i64(r, 6), get_str(r, 7), get_i64(r, 8)});
  return out;
}

}  // namespace ecity::appeals
