// Appeals over HTTP on the real server and database: a case walked through its lifecycle by
// the users who would really touch it, and the denials that keep each of them in their lane.
#include "harness.h"

#include "appeals/module.h"
#include "platform/db/migrations.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <thread>

namespace ecity::test {
namespace {

using nlohmann::json;

struct People {
  std::string agent, dispatcher, housing, tanshan, village, gushao, leader;
  std::int64_t housing_dept = 0, tanshan_town = 0, tanshan_village = 0, gushao_town = 0;
};

const People& people() {
  static People p = [] {
    People x;
    x.housing_dept = department("200013");
    x.tanshan_town = region("370404001000");
    x.tanshan_village = region("370404001001");
    x.gushao_town = region("370404100000");
    x.agent = user("agent1", "hotline_agent", std::nullopt, std::nullopt);
    x.dispatcher = user("disp1", "dispatcher", std::nullopt, std::nullopt);
    x.housing = user("zjj1", "dept_admin", x.housing_dept, std::nullopt);
    x.tanshan = login("tanshan");
    x.village = user("tscun1", "grid_worker", std::nullopt, x.tanshan_village);
    x.gushao = login("gushao");
    x.leader = login("leader");
    return x;
  }();
  return p;
}

std::int64_t leaf_category(const std::string& name) {
  static std::string admin = login("admin");
  for (const auto& c : items_of(http("GET", "/api/appeals/categories", "", bearer(admin))))
    if (c["name"] == name) return c["id"].get<std::int64_t>();
  ADD_FAILURE() << "no category " << name;
  return 0;
}

json new_appeal(const std::string& content = "峄城区坛山街道青檀路路灯连续三晚不亮，夜间出行不便，请尽快维修。") {
  return {{"channel", "phone"},
          {"type", "help"},
          {"category_id", leaf_category("路灯不亮")},
          {"urgency", "normal"},
          {"caller_name", "张先生"},
          {"caller_phone", "13806321234"},
          {"content", content},
          {"address", "坛山街道青檀路 88 号附近"},
          {"region_id", people().tanshan_village}};
}

json create(const json& body) {
  auto r = http("POST", "/api/appeals", body.dump(), bearer(people().agent));
  EXPECT_EQ(r.status, 201) << r.body;
  return r.json();
}

HttpResult act(const std::string& token, std::int64_t id, const std::string& action,
               const json& body = json::object()) {
  return http("POST", "/api/appeals/" + std::to_string(id) + "/actions/" + action, body.dump(), bearer(token));
}

TEST(Appeals, CatalogueShipsAboutAHundredLeaves) {
  auto cats = items_of(http("GET", "/api/appeals/categories", "", bearer(people().agent)));
  std::set<std::int64_t> parents;
  for (const auto& c : cats)
    if (!c["parent_id"].is_null()) parents.insert(c["parent_id"].get<std::int64_t>());
  int leaves = 0;
  for (const auto& c : cats) leaves += parents.count(c["id"].get<std::int64_t>()) == 0;
  EXPECT_GE(leaves, 90);
  EXPECT_LE(leaves, 130);
}

TEST(Appeals, RegisterNumbersAndMasks) {
  auto a = create(new_appeal());
  EXPECT_EQ(a["state"], "registered");
  std::string number = a["number"];
  ASSERT_EQ(number.size(), 2u + 8u + 6u) << number;
  EXPECT_EQ(number.substr(0, 2), "SQ");
  auto b = create(new_appeal());
  EXPECT_NE(b["number"], a["number"]);
  // The agent has no pii:read: the phone is masked in what it gets back.
  EXPECT_EQ(a["caller"]["phone"], "138****1234");
  auto full =
      http("GET", "/api/appeals/" + std::to_string(a["id"].get<std::int64_t>()), "", bearer(login("admin"))).json();
  EXPECT_EQ(full["caller"]["phone"], "13806321234");
  ASSERT_EQ(full["timeline"].size(), 1u);
  EXPECT_EQ(full["timeline"][0]["action"], "register");
}

// Concurrent registrations share commits (group commit): all acknowledged, numbers unique,
// every one with its timeline line and operation-log entry.
TEST(Appeals, ConcurrentIntakeNumbersAreUnique) {
  const auto body = new_appeal().dump();
  const auto token = people().agent;
  std::mutex mu;
  std::vector<std::int64_t> ids;
  std::set<std::string> numbers;
  std::vector<std::thread> threads;
  for (int i = 0; i < 24; ++i)
    threads.emplace_back([&] {
      auto r = http("POST", "/api/appeals", body, bearer(token));
      EXPECT_EQ(r.status, 201) << r.body;
      if (r.status != 201) return;
      auto j = r.json();
      std::lock_guard lock(mu);
      ids.push_back(j["id"].get<std::int64_t>());
      numbers.insert(j["number"].get<std::string>());
    });
  for (auto& t : threads) t.join();
  ASSERT_EQ(ids.size(), 24u);
  EXPECT_EQ(numbers.size(), 24u);
  for (auto id : ids) {
    auto c = http("GET", "/api/appeals/" + std::to_string(id), "", bearer(token)).json();
    EXPECT_EQ(c["timeline"].size(), 1u) << id;
  }
}

TEST(Appeals, IntakeValidation) {
  auto bad = [&](json body, const std::string& field) {
    auto r = http("POST", "/api/appeals", body.dump(), bearer(people().agent));
    EXPECT_EQ(r.status, 400) << field << ": " << r.body;
    bool named = false;
    const auto problem = r.json();
    for (const auto& e : problem.value("errors", json::array())) named = named || e["field"] == field;
    EXPECT_TRUE(named) << field << ": " << r.body;
  };
  auto base = new_appeal();
  auto b = base;
  b.erase("content");
  bad(b, "content");
  b = base;
  b["content"] = "短";
  bad(b, "content");
  b = base;
  b["content"] = std::string(4001, 'x');
  bad(b, "content");
  b = base;
  b["channel"] = "fax";
  bad(b, "channel");
  b = base;
  b["caller_phone"] = "13806321234'; DROP TABLE appeals;--";
  bad(b, "caller_phone");
  b = base;
  b["lng"] = 117.5;
  bad(b, "lng");
  b = base;
  b["category_id"] = 999999;
  bad(b, "category_id");
  b = base;
  b["category_id"] = id_where("/api/appeals/categories", "name", "城乡建设");
  bad(b, "category_id");
  // Found wrong only inside the group commit (on the commit thread): answered all the same.
  b = base;
  b["region_id"] = 999999;
  bad(b, "region_id");
  b = base;
  b["unknown"] = 1;
  bad(b, "unknown");
  b = base;
  b["anonymous"] = "yes";
  bad(b, "anonymous");
  // Anonymous needs no caller; script-looking text is stored and returned verbatim.
  b = base;
  b.erase("caller_name");
  b.erase("caller_phone");
  b["anonymous"] = true;
  b["content"] = "<script>alert('x')</script> 路灯不亮";
  auto ok = create(b);
  EXPECT_EQ(ok["content"], "<script>alert('x')</script> 路灯不亮");
  // Only intake may register; an unknown, malformed or missing token is refused before any work.
  EXPECT_EQ(http("POST", "/api/appeals", base.dump(), bearer(people().housing)).status, 403);
  EXPECT_EQ(http("POST", "/api/appeals", base.dump(), bearer(std::string(43, 'A'))).status, 401);
  EXPECT_EQ(http("POST", "/api/appeals", base.dump(), bearer("not a token")).status, 401);
  EXPECT_EQ(http("POST", "/api/appeals", base.dump()).status, 401);
}

TEST(Appeals, LifecycleFromIntakeToArchive) {
  const auto& p = people();
  auto a = create(new_appeal());
  auto id = a["id"].get<std::int64_t>();
  // A town handler cannot dispatch (rights: 403); the dispatcher can.
  EXPECT_EQ(act(p.tanshan, id, "dispatch", {{"lead_region_id", p.tanshan_town}}).status, 403);
  auto d = act(p.dispatcher, id, "dispatch", {{"lead_region_id", p.tanshan_town}, {"note", "请坛山街道办理"}});
  ASSERT_EQ(d.status, 200) << d.body;
  auto c = d.json();
  EXPECT_EQ(c["state"], "dispatched");
  ASSERT_TRUE(c["handle_due_at"].is_number());
  EXPECT_GT(c["handle_due_at"].get<std::int64_t>(), c["dispatched_at"].get<std::int64_t>());
  // Another town sees nothing of it.
  EXPECT_EQ(http("GET", "/api/appeals/" + std::to_string(id), "", bearer(p.gushao)).status, 404);
  EXPECT_EQ(act(p.gushao, id, "sign").status, 404);
  // Replying before signing is a state problem: 409 with what is allowed.
  auto early = act(p.tanshan, id, "reply", {{"text", "已修复"}, {"result", "solved"}});
  ASSERT_EQ(early.status, 409) << early.body;
  EXPECT_NE(early.json()["allowed_actions"].dump().find("sign"), std::string::npos);
  ASSERT_EQ(act(p.tanshan, id, "sign").status, 200);
  // Second-level dispatch to one of its villages; the village worker replies.
  EXPECT_EQ(act(p.tanshan, id, "subdispatch", {{"region_id", p.gushao_town}}).status, 400);
  ASSERT_EQ(act(p.tanshan, id, "subdispatch", {{"region_id", p.tanshan_village}}).status, 200);
  // Extension: asked by the unit, approved by the centre; the due date moves.
  auto before_due = http("GET", "/api/appeals/" + std::to_string(id), "", bearer(p.dispatcher)).json()["handle_due_at"];
  ASSERT_EQ(act(p.village, id, "request_extension", {{"extra_days", 3}, {"note", "需协调供电公司更换线路"}}).status,
            200);
  EXPECT_EQ(act(p.village, id, "request_extension", {{"extra_days", 3}, {"note", "again"}}).status, 409);
  auto ext = act(p.dispatcher, id, "approve_extension");
  ASSERT_EQ(ext.status, 200) << ext.body;
  EXPECT_GT(ext.json()["handle_due_at"].get<std::int64_t>(), before_due.get<std::int64_t>());
  EXPECT_EQ(ext.json()["extension_count"], 1);
  ASSERT_EQ(act(p.village, id, "reply", {{"text", "已更换线路，路灯恢复照明。"}, {"result", "solved"}}).status, 200);
  // Review, callback (dissatisfied → reopened), reply again, callback satisfied → closed.
  ASSERT_EQ(act(p.dispatcher, id, "approve").status, 200);
  auto cb = act(p.agent, id, "callback", {{"reached", true}, {"solved", false}, {"satisfaction", "dissatisfied"}});
  ASSERT_EQ(cb.status, 200) << cb.body;
  EXPECT_EQ(cb.json()["state"], "handling");
  EXPECT_EQ(cb.json()["reopen_count"], 1);
  ASSERT_EQ(act(p.tanshan, id, "reply", {{"text", "二次核查，全部路灯已亮。"}, {"result", "solved"}}).status, 200);
  ASSERT_EQ(act(p.dispatcher, id, "approve").status, 200);
  EXPECT_EQ(act(p.agent, id, "callback", {{"reached", true}, {"solved", true}}).status, 400);  // satisfaction missing
  auto done = act(p.agent, id, "callback", {{"reached", true}, {"solved", true}, {"satisfaction", "satisfied"}});
  ASSERT_EQ(done.status, 200) << done.body;
  EXPECT_EQ(done.json()["state"], "closed");
  ASSERT_EQ(act(p.dispatcher, id, "archive").status, 200);
  auto final = http("GET", "/api/appeals/" + std::to_string(id), "", bearer(p.leader)).json();
  EXPECT_EQ(final["state"], "archived");
  std::vector<std::string> actions;
  for (const auto& e : final["timeline"]) actions.push_back(e["action"]);
  EXPECT_EQ(actions, (std::vector<std::string>{"register", "dispatch", "sign", "subdispatch", "request_extension",
                                               "approve_extension", "reply", "approve", "callback", "reply", "approve",
                                               "callback", "archive"}));
  EXPECT_TRUE(final["allowed_actions"].empty());
}

TEST(Appeals, ReturnAndRedispatch) {
  const auto& p = people();
  auto id = create(new_appeal())["id"].get<std::int64_t>();
  ASSERT_EQ(act(p.dispatcher, id, "dispatch", {{"lead_department_id", p.housing_dept}}).status, 200);
  EXPECT_EQ(act(p.housing, id, "request_return").status, 400);  // grounds required
  ASSERT_EQ(act(p.housing, id, "request_return", {{"note", "路灯属镇街管理，不属本局职责"}}).status, 200);
  auto ok = act(p.dispatcher, id, "approve_return");
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.json()["state"], "registered");
  EXPECT_EQ(ok.json()["return_count"], 1);
  // The housing bureau no longer handles it, and cannot see it any more.
  EXPECT_EQ(http("GET", "/api/appeals/" + std::to_string(id), "", bearer(p.housing)).status, 404);
  ASSERT_EQ(act(p.dispatcher, id, "dispatch", {{"lead_region_id", p.tanshan_town}}).status, 200);
  EXPECT_EQ(act(p.tanshan, id, "sign").status, 200);
}

TEST(Appeals, ConcurrentSignExactlyOneWins) {
  const auto& p = people();
  auto id = create(new_appeal())["id"].get<std::int64_t>();
  ASSERT_EQ(act(p.dispatcher, id, "dispatch", {{"lead_region_id", p.tanshan_town}}).status, 200);
  std::atomic<int> ok{0}, conflict{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] {
      auto r = act(p.tanshan, id, "sign");
      if (r.status == 200)
        ++ok;
      else if (r.status == 409)
        ++conflict;
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(conflict.load(), 3);
  auto c = http("GET", "/api/appeals/" + std::to_string(id), "", bearer(p.tanshan)).json();
  int signs = 0;
  for (const auto& e : c["timeline"]) signs += e["action"] == "sign" ? 1 : 0;
  EXPECT_EQ(signs, 1);
}

TEST(Appeals, ListsRespectDataScope) {
  const auto& p = people();
  auto in_tanshan = create(new_appeal())["id"].get<std::int64_t>();
  auto other = new_appeal("古邵镇某村道路破损严重，车辆通行困难，请求尽快修复。");
  other["region_id"] = p.gushao_town;
  other["category_id"] = leaf_category("道路破损");
  auto in_gushao = create(other)["id"].get<std::int64_t>();
  auto ids = [&](const std::string& token) {
    std::set<std::int64_t> out;
    auto r = http("GET", "/api/appeals?size=100", "", bearer(token));
    EXPECT_EQ(r.status, 200) << r.body;
    const auto page = r.json();
    for (const auto& a : page["items"]) out.insert(a["id"].get<std::int64_t>());
    return out;
  };
  auto t = ids(p.tanshan), g = ids(p.gushao), all = ids(p.dispatcher);
  EXPECT_TRUE(t.count(in_tanshan));
  EXPECT_FALSE(t.count(in_gushao));
  EXPECT_TRUE(g.count(in_gushao));
  EXPECT_FALSE(g.count(in_tanshan));
  EXPECT_TRUE(all.count(in_tanshan) && all.count(in_gushao));
  // Filters compose with the scope, and a bad filter is a clear 400.
  auto r =
      http("GET", "/api/appeals?state=registered&region_id=" + std::to_string(p.gushao_town), "", bearer(p.tanshan));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["total"], 0);
  EXPECT_EQ(http("GET", "/api/appeals?state=nonsense", "", bearer(p.tanshan)).status, 400);
  EXPECT_EQ(http("GET", "/api/appeals", "").status, 401);
}

TEST(Appeals, MergeClosesWithTheMaster) {
  const auto& p = people();
  auto master = create(new_appeal())["id"].get<std::int64_t>();
  auto dup = create(new_appeal())["id"].get<std::int64_t>();
  EXPECT_EQ(act(p.agent, dup, "merge", {{"master_id", dup}}).status, 400);
  ASSERT_EQ(act(p.agent, dup, "merge", {{"master_id", master}}).status, 200);
  ASSERT_EQ(act(p.agent, master, "answer", {{"text", "已告知来电人维修计划：本周内完成。"}}).status, 200);
  auto d = http("GET", "/api/appeals/" + std::to_string(dup), "", bearer(p.dispatcher)).json();
  EXPECT_EQ(d["state"], "merged");
  EXPECT_EQ(d["master_id"], master);
  EXPECT_EQ(d["reply_text"], "已告知来电人维修计划：本周内完成。");
  EXPECT_TRUE(d["closed_at"].is_number());
  EXPECT_EQ(act(p.dispatcher, dup, "dispatch", {{"lead_region_id", p.tanshan_town}}).status, 409);
  EXPECT_EQ(http("POST", "/api/appeals/" + std::to_string(dup) + "/actions/fly", "{}", bearer(p.dispatcher)).status,
            404);
}

TEST(Appeals, ActionsAreAudited) {
  const auto& p = people();
  auto id = create(new_appeal())["id"].get<std::int64_t>();
  ASSERT_EQ(act(p.dispatcher, id, "dispatch", {{"lead_region_id", p.tanshan_town}}).status, 200);
  auto log =
      http("GET", "/api/audit/operations?entity=appeal&entity_id=" + std::to_string(id), "", bearer(login("admin")));
  ASSERT_EQ(log.status, 200) << log.body;
  std::set<std::string> seen;
  const auto entries = log.json();
  for (const auto& e : entries["items"]) seen.insert(e["action"].get<std::string>());
  EXPECT_TRUE(seen.count("create")) << log.body;
  EXPECT_TRUE(seen.count("dispatch")) << log.body;
}

TEST(Appeals, WarningJobColoursOverdueCasesAndPublishes) {
  const auto& p = people();
  auto id = create(new_appeal())["id"].get<std::int64_t>();
  ASSERT_EQ(act(p.dispatcher, id, "dispatch", {{"lead_region_id", p.tanshan_town}}).status, 200);
  ASSERT_EQ(act(p.tanshan, id, "sign").status, 200);
  auto c = http("GET", "/api/appeals/" + std::to_string(id), "", bearer(p.dispatcher)).json();
  auto due = c["handle_due_at"].get<std::int64_t>();
  auto* module = runtime().module<appeals::AppealsModule>();
  ASSERT_NE(module, nullptr);
  // Still green now; red one minute after the due date (the job runs with any clock).
  module->service().refresh_warnings(platform::now_ms());
  EXPECT_EQ(http("GET", "/api/appeals/" + std::to_string(id), "", bearer(p.dispatcher)).json()["warning"], "green");
  EXPECT_GE(module->service().refresh_warnings(due + 60'000), 1);
  auto red = http("GET", "/api/appeals/" + std::to_string(id), "", bearer(p.dispatcher)).json();
  EXPECT_EQ(red["warning"], "red");
  EXPECT_EQ(red["handle_late"], true);
  auto list = http("GET", "/api/appeals?warning=red&size=100", "", bearer(p.dispatcher));
  ASSERT_EQ(list.status, 200);
  bool listed = false;
  const auto page = list.json();
  for (const auto& a : page["items"]) listed = listed || a["id"] == id;
  EXPECT_TRUE(listed);
  // The change went out on the outbox for the warnings scenario.
  long long events = runtime().db.read([&](soci::session& sql) {
    long long n = 0;
    sql << "SELECT COUNT(*) FROM outbox WHERE topic = 'appeals.case.warning' AND payload LIKE '%\"id\":" +
               std::to_string(id) + ",%'",
        soci::into(n);
    return n;
  });
  EXPECT_EQ(events, 1);
  // Idempotent: a second pass at the same time changes nothing.
  module->service().refresh_warnings(due + 60'000);
  auto again = http("GET", "/api/appeals/" + std::to_string(id), "", bearer(p.dispatcher)).json();
  EXPECT_EQ(again["version"], red["version"]);
}

}  // namespace
}  // namespace ecity::test

namespace ecity::test {
namespace {

std::string url_encode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.') {
      out.push_back(static_cast<char>(c));
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::set<std::int64_t> listed(const std::string& token, const std::string& query) {
  auto r = http("GET", "/api/appeals?size=100&" + query, "", bearer(token));
  EXPECT_EQ(r.status, 200) << query << ": " << r.body;
  std::set<std::int64_t> out;
  const auto page = r.json();
  for (const auto& a : page.value("items", json::array())) out.insert(a["id"].get<std::int64_t>());
  return out;
}

TEST(AppealDuplicates, SamePhoneAndNearbySimilarOpenCasesInScope) {
  const auto& p = people();
  // A unique phone for this test, so that other tests' cases do not interfere.
  auto first = new_appeal("坛山街道青檀北路 12 号门前下水道堵塞，污水外溢，气味难闻。");
  first["caller_phone"] = "13900001111";
  first["category_id"] = leaf_category("道路破损");
  first["lng"] = 117.5900;
  first["lat"] = 34.7700;
  first.erase("region_id");
  auto a = create(first);
  EXPECT_EQ(a["is_repeat"], false);
  auto id = a["id"].get<std::int64_t>();
  // The same caller again, same category: marked a repeat; suggested by phone.
  auto again = create(first);
  EXPECT_EQ(again["is_repeat"], true);
  auto q = "/api/appeals/duplicates?caller_phone=13900001111&category_id=" +
           std::to_string(first["category_id"].get<std::int64_t>());
  auto r = http("GET", q, "", bearer(p.agent));
  ASSERT_EQ(r.status, 200) << r.body;
  auto found = r.json();
  EXPECT_EQ(found["repeat"], true);
  std::set<std::int64_t> ids;
  for (const auto& d : found["items"]) {
    ids.insert(d["appeal"]["id"].get<std::int64_t>());
    EXPECT_EQ(d["reasons"][0], "same_phone");
  }
  EXPECT_TRUE(ids.count(id));
  // Excluding the case one looks from.
  auto excl = http("GET", q + "&exclude_id=" + std::to_string(id), "", bearer(p.agent)).json();
  for (const auto& d : excl["items"]) EXPECT_NE(d["appeal"]["id"], id);
  // Another caller 50 m away, similar words, same category → nearby_similar with distance.
  auto near = "/api/appeals/duplicates?caller_phone=13900002222&category_id=" +
              std::to_string(first["category_id"].get<std::int64_t>()) +
              "&lng=117.5900&lat=34.77045&content=" + url_encode("青檀北路12号下水道堵了，污水外溢很难闻");
  auto n = http("GET", near, "", bearer(p.agent)).json();
  bool by_place = false;
  for (const auto& d : n["items"])
    if (d["appeal"]["id"] == id) {
      by_place = true;
      EXPECT_EQ(d["reasons"][0], "nearby_similar");
      EXPECT_NEAR(d["distance_m"].get<double>(), 50.0, 2.0);
      EXPECT_GE(d["similarity"].get<double>(), 0.35);
    }
  EXPECT_TRUE(by_place) << n.dump();
  EXPECT_EQ(n["repeat"], false);
  // Too far (about 300 m), or unrelated text: not suggested.
  auto far = http("GET",
                  "/api/appeals/duplicates?category_id=" + std::to_string(first["category_id"].get<std::int64_t>()) +
                      "&lng=117.5900&lat=34.7727&content=" + url_encode("青檀北路12号下水道堵了，污水外溢很难闻"),
                  "", bearer(p.agent))
                 .json();
  for (const auto& d : far["items"]) EXPECT_NE(d["appeal"]["id"], id);
  auto unrelated =
      http("GET",
           "/api/appeals/duplicates?category_id=" + std::to_string(first["category_id"].get<std::int64_t>()) +
               "&lng=117.5900&lat=34.77045&content=" + url_encode("广场舞音响声音太大影响休息"),
           "", bearer(p.agent))
          .json();
  for (const auto& d : unrelated["items"]) EXPECT_NE(d["appeal"]["id"], id);
  // A closed case is no longer suggested: answer it directly.
  ASSERT_EQ(act(p.agent, id, "answer", {{"text", "已转告市政部门，现场已疏通。"}}).status, 200);
  auto after = http("GET", q, "", bearer(p.agent)).json();
  for (const auto& d : after["items"]) EXPECT_NE(d["appeal"]["id"], id);
  EXPECT_EQ(after["repeat"], true);  // repeats count closed cases too
  // Who may not ask: a town handler (no intake or dispatch right) → 403.
  EXPECT_EQ(http("GET", q, "", bearer(p.gushao)).status, 403);
  // Malformed input → 400, naming the parameter.
  EXPECT_EQ(http("GET", "/api/appeals/duplicates?lng=117.59", "", bearer(p.agent)).status, 400);
  EXPECT_EQ(http("GET", "/api/appeals/duplicates?lat=abc&lng=1", "", bearer(p.agent)).status, 400);
  EXPECT_EQ(http("GET", "/api/appeals/duplicates?category_id=-3", "", bearer(p.agent)).status, 400);
  // Nothing typed yet: an empty answer.
  auto empty = http("GET", "/api/appeals/duplicates", "", bearer(p.agent));
  ASSERT_EQ(empty.status, 200);
  EXPECT_TRUE(empty.json()["items"].empty());
}

TEST(AppealSearch, FullTextInContentAndReplyWithinScope) {
  const auto& p = people();
  auto tanshan = create(new_appeal("坛山街道榴园小区电梯频繁故障，老人上下楼十分困难，请协调维修。"));
  auto gushao_body = new_appeal("古邵镇榴园村电梯井旁堆放杂物，存在消防隐患，请尽快清理。");
  gushao_body["region_id"] = p.gushao_town;
  auto gushao = create(gushao_body);
  const auto t_id = tanshan["id"].get<std::int64_t>(), g_id = gushao["id"].get<std::int64_t>();
  // Three or more characters: the trigram index; two: a scan; several terms: all must match.
  auto hits = listed(p.dispatcher, "q=" + url_encode("榴园小区"));
  EXPECT_TRUE(hits.count(t_id));
  EXPECT_FALSE(hits.count(g_id));
  hits = listed(p.dispatcher, "q=" + url_encode("榴园"));
  EXPECT_TRUE(hits.count(t_id) && hits.count(g_id));
  hits = listed(p.dispatcher, "q=" + url_encode("榴园 消防隐患"));
  EXPECT_FALSE(hits.count(t_id));
  EXPECT_TRUE(hits.count(g_id));
  hits = listed(p.dispatcher, "q=" + url_encode("榴园　电梯"));  // ideographic space
  EXPECT_TRUE(hits.count(t_id) && hits.count(g_id));
  // Scope holds in search: the Tanshan town handler finds only Tanshan's case.
  hits = listed(p.tanshan, "q=" + url_encode("榴园"));
  EXPECT_TRUE(hits.count(t_id));
  EXPECT_FALSE(hits.count(g_id));
  // The reply is searched too, once written.
  ASSERT_EQ(act(p.agent, g_id, "answer", {{"text", "已联系榴园村委会组织清运杂物。"}}).status, 200);
  hits = listed(p.dispatcher, "q=" + url_encode("村委会组织清运"));
  EXPECT_TRUE(hits.count(g_id));
  // LIKE wildcards and FTS syntax are literal text, not operators.
  EXPECT_TRUE(listed(p.dispatcher, "q=" + url_encode("%%%")).empty());
  EXPECT_TRUE(listed(p.dispatcher, "q=" + url_encode("\"榴园\" OR 电梯*")).empty());
  // Bad search input → 400 naming q.
  for (const std::string& bad : {url_encode("榴"), url_encode(std::string(120, 'x')), std::string("%FF%FE%FD")}) {
    auto r = http("GET", "/api/appeals?q=" + bad, "", bearer(p.dispatcher));
    EXPECT_EQ(r.status, 400) << bad << ": " << r.body;
  }
}

TEST(AppealSearch, FiltersSortAndNames) {
  const auto& p = people();
  auto body = new_appeal("坛山街道东风路噪音扰民，夜间施工影响休息，请查处。");
  body["type"] = "complaint";
  body["channel"] = "wechat";
  body["urgency"] = "urgent";
  auto a = create(body);
  const auto id = a["id"].get<std::int64_t>();
  for (int i = 0; i < 5; ++i) create(new_appeal());  // enough cases to sort and page, even run alone
  EXPECT_TRUE(listed(p.dispatcher, "type=complaint&channel=wechat&urgency=urgent").count(id));
  EXPECT_FALSE(listed(p.dispatcher, "type=consult&channel=wechat").count(id));
  // Category filter takes the subtree: the top-level category holds the leaf.
  auto top = id_where("/api/appeals/categories", "name", "城乡建设");
  EXPECT_TRUE(listed(p.dispatcher, "type=complaint&category_id=" + std::to_string(top)).count(id));
  auto item = http("GET", "/api/appeals?size=1&type=complaint&channel=wechat&urgency=urgent", "", bearer(p.dispatcher))
                  .json()["items"][0];
  EXPECT_EQ(item["id"], id);
  EXPECT_EQ(item["category_name"], "路灯不亮");
  EXPECT_FALSE(item["region_name"].get<std::string>().empty());
  // Supervised filter.
  ASSERT_EQ(act(p.dispatcher, id, "dispatch", {{"lead_department_id", p.housing_dept}}).status, 200);
  EXPECT_EQ(
      http("GET", "/api/appeals?size=1&lead_department_id=" + std::to_string(p.housing_dept), "", bearer(p.dispatcher))
          .json()["items"][0]["lead_unit_name"]
          .get<std::string>()
          .empty(),
      false);
  EXPECT_FALSE(listed(p.dispatcher, "supervised=true").count(id));
  ASSERT_EQ(act(p.leader, id, "supervise", {{"level", "district"}, {"due_date", "2026-12-31"}}).status, 200);
  EXPECT_TRUE(listed(p.dispatcher, "supervised=true").count(id));
  // Sorting: oldest first is the reverse of newest first.
  auto newest = http("GET", "/api/appeals?size=5", "", bearer(p.dispatcher)).json()["items"];
  auto oldest = http("GET", "/api/appeals?size=5&sort=created_at", "", bearer(p.dispatcher)).json()["items"];
  ASSERT_EQ(newest.size(), 5u);
  EXPECT_GT(newest[0]["id"].get<std::int64_t>(), newest[4]["id"].get<std::int64_t>());
  EXPECT_LT(oldest[0]["id"].get<std::int64_t>(), oldest[4]["id"].get<std::int64_t>());
  auto due =
      http("GET", "/api/appeals?size=20&sort=handle_due_at&state=dispatched", "", bearer(p.dispatcher)).json()["items"];
  for (std::size_t i = 1; i < due.size(); ++i) {
    if (due[i]["handle_due_at"].is_number() && due[i - 1]["handle_due_at"].is_number()) {
      EXPECT_LE(due[i - 1]["handle_due_at"].get<std::int64_t>(), due[i]["handle_due_at"].get<std::int64_t>());
    }
  }
  // Counting: exact here (far below the cap); count=false leaves the total out, and has_more
  // says whether a next page follows.
  auto counted = http("GET", "/api/appeals?size=2", "", bearer(p.dispatcher)).json();
  ASSERT_GT(counted["total"].get<long long>(), 2) << counted.dump();
  EXPECT_TRUE(counted["total_exact"].get<bool>());
  EXPECT_TRUE(counted["has_more"].get<bool>());
  const auto total = counted["total"].get<long long>();
  auto uncounted = http("GET", "/api/appeals?size=2&count=false", "", bearer(p.dispatcher)).json();
  EXPECT_FALSE(uncounted.contains("total"));
  EXPECT_FALSE(uncounted.contains("total_exact"));
  EXPECT_EQ(uncounted["items"], counted["items"]);
  auto last = http("GET", "/api/appeals?count=false&size=1&page=" + std::to_string(total), "", bearer(p.dispatcher));
  ASSERT_EQ(last.status, 200);
  EXPECT_EQ(last.json()["items"].size(), 1u);
  EXPECT_FALSE(last.json()["has_more"].get<bool>());
  EXPECT_TRUE(http("GET", "/api/appeals?count=false&size=1&page=" + std::to_string(total - 1), "", bearer(p.dispatcher))
                  .json()["has_more"]
                  .get<bool>());
  // Pages go no further than the first 10,000 matches: narrower filters or an export are the way.
  auto deep = http("GET", "/api/appeals?size=100&page=101", "", bearer(p.dispatcher));
  ASSERT_EQ(deep.status, 400);
  EXPECT_EQ(deep.json()["errors"][0]["field"], "page");
  EXPECT_EQ(http("GET", "/api/appeals?size=100&page=100&count=false", "", bearer(p.dispatcher)).status, 200);
  // Bad filters → 400.
  for (const char* bad :
       {"type=fax", "sort=content", "overdue=maybe", "size=101", "satisfaction=happy", "count=maybe", "page=0"})
    EXPECT_EQ(http("GET", std::string("/api/appeals?") + bad, "", bearer(p.dispatcher)).status, 400) << bad;
}

TEST(AppealSettings, AdminsChangeThemValidatedAndAudited) {
  const auto& p = people();
  auto admin = login("admin");
  auto s = http("GET", "/api/appeals/settings", "", bearer(p.agent));
  ASSERT_EQ(s.status, 200);
  EXPECT_EQ(s.json()["duplicate_days"], 30);
  // Only appeals:config may change them.
  EXPECT_EQ(http("PUT", "/api/appeals/settings", R"({"duplicate_days": 20})", bearer(p.dispatcher)).status, 403);
  auto bad = http("PUT", "/api/appeals/settings", R"({"duplicate_days": 0, "rank_weight_solved": 0.9})", bearer(admin));
  ASSERT_EQ(bad.status, 400);
  EXPECT_EQ(bad.json()["errors"].size(), 2u);
  auto ok = http("PUT", "/api/appeals/settings", R"({"duplicate_radius_m": 250})", bearer(admin));
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(http("GET", "/api/appeals/settings", "", bearer(p.agent)).json()["duplicate_radius_m"], 250.0);
  ASSERT_EQ(http("PUT", "/api/appeals/settings", R"({"duplicate_radius_m": 200})", bearer(admin)).status, 200);
  auto log = http("GET", "/api/audit/operations?size=5", "", bearer(admin)).json();
  bool audited = false;
  for (const auto& e : log["items"]) audited = audited || e.value("entity", "") == "appeal_settings";
  EXPECT_TRUE(audited) << log.dump();
}

TEST(AppealHandlingTime, ReplyRecordsWorkingDaysSinceDispatch) {
  const auto& p = people();
  auto id = create(new_appeal())["id"].get<std::int64_t>();
  ASSERT_EQ(act(p.dispatcher, id, "dispatch", {{"lead_region_id", p.tanshan_town}}).status, 200);
  ASSERT_EQ(act(p.tanshan, id, "sign").status, 200);
  auto r = act(p.tanshan, id, "reply", {{"text", "已修复。"}, {"result", "solved"}});
  ASSERT_EQ(r.status, 200) << r.body;
  auto c = r.json();
  ASSERT_TRUE(c["handle_days"].is_number()) << c.dump();
  // Replied seconds after dispatch: a tiny fraction of a working day (0 outside office hours).
  EXPECT_GE(c["handle_days"].get<double>(), 0.0);
  EXPECT_LT(c["handle_days"].get<double>(), 0.01);
  EXPECT_EQ(c["town_id"], p.tanshan_town);
}

}  // namespace
}  // namespace ecity::test

namespace ecity::test {
namespace {

// Today's and yesterday's local dates (the statistics period of the cases made now).
std::string local_date(int days_back) {
  auto t = std::chrono::system_clock::now() + std::chrono::hours(8) - std::chrono::hours(24 * days_back);
  auto d = std::chrono::year_month_day(std::chrono::floor<std::chrono::days>(t));
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(d.year()), static_cast<unsigned>(d.month()),
                static_cast<unsigned>(d.day()));
  return buf;
}

json row_of(const json& stats, const std::string& key) {
  for (const auto& r : stats["rows"])
    if (r["key"] == key) return r;
  return nullptr;
}

TEST(AppealStats, CountsWhatHappenedToTheCasesWithinScope) {
  const auto& p = people();
  // Cases of one channel nobody else uses, so the numbers are this test's own.
  auto body = new_appeal("坛山街道青檀路人行道地砖松动，雨天踩踏溅水，请修复。");
  body["channel"] = "leader_mailbox";
  std::vector<std::int64_t> ids;
  for (int i = 0; i < 4; ++i) ids.push_back(create(body)["id"].get<std::int64_t>());
  auto gushao = body;
  gushao["region_id"] = p.gushao_town;
  auto g = create(gushao)["id"].get<std::int64_t>();
  // 0: answered directly. 1: dispatched to Tanshan, replied, satisfied → closed.
  // 2: dispatched, unsigned. 3: dispatched, replied, dissatisfied → reopened. g: Gushao, open.
  ASSERT_EQ(act(p.agent, ids[0], "answer", {{"text", "已解答。"}}).status, 200);
  for (int i : {1, 2, 3})
    ASSERT_EQ(act(p.dispatcher, ids[i], "dispatch", {{"lead_region_id", p.tanshan_town}}).status, 200);
  for (int i : {1, 3}) {
    ASSERT_EQ(act(p.tanshan, ids[i], "sign").status, 200);
    ASSERT_EQ(act(p.tanshan, ids[i], "reply", {{"text", "已修复。"}, {"result", "solved"}}).status, 200);
    ASSERT_EQ(act(p.dispatcher, ids[i], "approve").status, 200);
  }
  ASSERT_EQ(
      act(p.agent, ids[1], "callback", {{"reached", true}, {"solved", true}, {"satisfaction", "satisfied"}}).status,
      200);
  ASSERT_EQ(
      act(p.agent, ids[3], "callback", {{"reached", true}, {"solved", false}, {"satisfaction", "dissatisfied"}}).status,
      200);
  const std::string period = "from=" + local_date(1) + "&to=" + local_date(0) + "&channel=leader_mailbox";
  auto r = http("GET", "/api/appeals/stats?group=unit&" + period, "", bearer(p.leader));
  ASSERT_EQ(r.status, 200) << r.body;
  auto s = r.json();
  auto total = s["total"];
  EXPECT_EQ(total["received"], 5);
  EXPECT_EQ(total["dispatched"], 3);
  EXPECT_EQ(total["direct"], 1);
  EXPECT_EQ(total["signed"], 2);
  EXPECT_EQ(total["closed"], 2);
  EXPECT_EQ(total["closed_rate"], 40.0);
  EXPECT_EQ(total["reached"], 2);
  EXPECT_EQ(total["satisfaction_rate"], 50.0);
  EXPECT_EQ(total["solved_rate"], 50.0);
  EXPECT_EQ(total["reopen_rate"], 50.0);  // 1 of the 2 replied cases was reopened
  EXPECT_TRUE(total["avg_handle_days"].is_number());
  auto tanshan = row_of(s, "r:" + std::to_string(p.tanshan_town));
  ASSERT_FALSE(tanshan.is_null()) << s.dump();
  EXPECT_EQ(tanshan["label"], "坛山街道");
  EXPECT_EQ(tanshan["dispatched"], 3);
  EXPECT_EQ(row_of(s, "none")["received"], 2);  // the direct answer and Gushao's open case
  // By region, the Tanshan town handler sees its four only; Gushao's case is not in its numbers.
  auto mine = http("GET", "/api/appeals/stats?group=region&" + period, "", bearer(p.tanshan)).json();
  EXPECT_EQ(mine["total"]["received"], 4);
  EXPECT_TRUE(row_of(mine, std::to_string(p.gushao_town)).is_null());
  auto theirs = http("GET", "/api/appeals/stats?group=region&" + period, "", bearer(p.gushao)).json();
  EXPECT_EQ(theirs["total"]["received"], 1);
  (void)g;
  // Time groups add up to the same total.
  for (const char* group : {"day", "week", "month", "channel", "type", "category"}) {
    auto t = http("GET", std::string("/api/appeals/stats?group=") + group + "&" + period, "", bearer(p.leader)).json();
    long long sum = 0;
    for (const auto& row : t["rows"]) sum += row["received"].get<long long>();
    EXPECT_EQ(sum, 5) << group;
  }
  // The CSV holds the same numbers as the screen, Chinese headers, a total line.
  auto csv = http("GET", "/api/appeals/stats?group=unit&format=csv&" + period, "", bearer(p.leader));
  ASSERT_EQ(csv.status, 200);
  EXPECT_EQ(csv.body.rfind("\xEF\xBB\xBF承办单位,受理量,派单量", 0), 0u) << csv.body.substr(0, 80);
  EXPECT_NE(csv.body.find("\r\n合计,5,3,1,2,"), std::string::npos) << csv.body;
  EXPECT_NE(csv.body.find(",40.0,"), std::string::npos);
  auto xlsx = http("GET", "/api/appeals/stats?group=unit&format=xlsx&" + period, "", bearer(p.leader));
  ASSERT_EQ(xlsx.status, 200);
  EXPECT_EQ(xlsx.body.substr(0, 2), "PK");
  // Ranking and hot spots.
  auto rank = http("GET", "/api/appeals/ranking?" + period, "", bearer(p.leader));
  ASSERT_EQ(rank.status, 200) << rank.body;
  auto items = rank.json()["items"];
  ASSERT_FALSE(items.empty());
  EXPECT_EQ(items[0]["rank"], 1);
  EXPECT_EQ(items[0]["unit_name"], "坛山街道");
  auto hot = http("GET", "/api/appeals/hotspots?top=3&" + period, "", bearer(p.leader));
  ASSERT_EQ(hot.status, 200) << hot.body;
  bool seen = false;
  const auto spots = hot.json();
  for (const auto& t : spots["items"])
    if (t["town_name"] == "坛山街道") {
      seen = true;
      EXPECT_EQ(t["top"][0]["category_name"], "路灯不亮");
      EXPECT_GE(t["top"][0]["count"].get<int>(), 4);
    }
  EXPECT_TRUE(seen) << hot.body;
  EXPECT_FALSE(row_of(mine, std::to_string(p.tanshan_town)).is_null()) << mine.dump();
  // Denials and bad input.
  EXPECT_EQ(http("GET", "/api/appeals/stats?" + period, "", bearer(p.agent)).status, 403);
  EXPECT_EQ(http("GET", "/api/appeals/ranking?" + period, "", bearer(p.village)).status, 403);
  for (const char* bad : {"group=year", "from=2026-13-01", "from=2026-11-30&to=2026-11-01",
                          "from=2020-01-01&to=2026-01-01", "format=pdf", "group=day&from=2024-01-01&to=2025-12-31"})
    EXPECT_EQ(http("GET", std::string("/api/appeals/stats?") + bad, "", bearer(p.leader)).status, 400) << bad;
}

}  // namespace
}  // namespace ecity::test

namespace ecity::test {
namespace {

TEST(AppealDispatchCatalogue, RulesSuggestionAndAutomaticDispatch) {
  const auto& p = people();
  auto admin = login("admin");
  const auto manhole = leaf_category("井盖缺失破损");
  const auto urban = id_where("/api/appeals/categories", "name", "城乡建设");
  // Only appeals:config edits the catalogue; everyone who reads appeals sees it.
  const json district_rule = {{"category_id", urban}, {"lead_department_id", p.housing_dept}};
  EXPECT_EQ(http("PUT", "/api/appeals/dispatch-rules", district_rule.dump(), bearer(p.dispatcher)).status, 403);
  auto put = http("PUT", "/api/appeals/dispatch-rules", district_rule.dump(), bearer(admin));
  ASSERT_EQ(put.status, 200) << put.body;
  const auto district_rule_id = put.json()["id"].get<std::int64_t>();
  ASSERT_EQ(http("GET", "/api/appeals/dispatch-rules", "", bearer(p.agent)).status, 200);
  // Bad rules: two leads, a village as region, an unknown category, a co-unit equal to the lead.
  for (const json& bad :
       {json{{"category_id", urban}, {"lead_department_id", p.housing_dept}, {"lead_region_id", p.tanshan_town}},
        json{{"category_id", urban}, {"region_id", p.tanshan_village}, {"lead_region_id", p.tanshan_town}},
        json{{"category_id", 999999}, {"lead_department_id", p.housing_dept}},
        json{{"category_id", urban}, {"lead_department_id", p.housing_dept}, {"co_department_ids", {p.housing_dept}}},
        json{{"category_id", urban}, {"lead_department_id", p.housing_dept}, {"colour", "red"}}})
    EXPECT_EQ(http("PUT", "/api/appeals/dispatch-rules", bad.dump(), bearer(admin)).status, 400) << bad.dump();
  // A case of a leaf under 城乡建设 gets the district rule (from its ancestor category)…
  auto body = new_appeal("坛山街道青檀路井盖缺失，夜间行人易跌落，请尽快补装。");
  body["category_id"] = manhole;
  auto id = create(body)["id"].get<std::int64_t>();
  auto s = http("GET", "/api/appeals/" + std::to_string(id) + "/dispatch-suggestion", "", bearer(p.dispatcher));
  ASSERT_EQ(s.status, 200) << s.body;
  EXPECT_EQ(s.json()["lead_department_id"], p.housing_dept);
  EXPECT_EQ(http("GET", "/api/appeals/" + std::to_string(id) + "/dispatch-suggestion", "", bearer(p.agent)).status,
            403);
  // …until the town has its own rule for the leaf, which wins for cases located in the town.
  json town_rule = {{"category_id", manhole}, {"region_id", p.tanshan_town}, {"lead_region_id", p.tanshan_town}};
  auto town_put = http("PUT", "/api/appeals/dispatch-rules", town_rule.dump(), bearer(admin));
  ASSERT_EQ(town_put.status, 200) << town_put.body;
  s = http("GET", "/api/appeals/" + std::to_string(id) + "/dispatch-suggestion", "", bearer(p.dispatcher));
  EXPECT_EQ(s.json()["lead_region_id"], p.tanshan_town);
  auto elsewhere = body;
  elsewhere["region_id"] = p.gushao_town;
  auto g = create(elsewhere)["id"].get<std::int64_t>();
  EXPECT_EQ(http("GET", "/api/appeals/" + std::to_string(g) + "/dispatch-suggestion", "", bearer(p.dispatcher))
                .json()["lead_department_id"],
            p.housing_dept);
  // Automatic dispatch: on for the leaf, a new case arrives dispatched to the town.
  EXPECT_EQ(http("PUT", "/api/appeals/categories/" + std::to_string(manhole) + "/auto-dispatch", R"({"enabled": true})",
                 bearer(p.dispatcher))
                .status,
            403);
  ASSERT_EQ(http("PUT", "/api/appeals/categories/" + std::to_string(manhole) + "/auto-dispatch", R"({"enabled": true})",
                 bearer(admin))
                .status,
            200);
  auto autod = create(body);
  EXPECT_EQ(autod["state"], "dispatched");
  EXPECT_EQ(autod["lead_region_id"], p.tanshan_town);
  EXPECT_TRUE(autod["handle_due_at"].is_number() || autod["sla_pending"] == true);
  auto c =
      http("GET", "/api/appeals/" + std::to_string(autod["id"].get<std::int64_t>()), "", bearer(p.dispatcher)).json();
  ASSERT_EQ(c["timeline"].size(), 2u);
  EXPECT_EQ(c["timeline"][1]["action"], "dispatch");
  EXPECT_EQ(c["timeline"][1]["user_name"], "系统自动派单");
  ASSERT_EQ(http("PUT", "/api/appeals/categories/" + std::to_string(manhole) + "/auto-dispatch",
                 R"({"enabled": false})", bearer(admin))
                .status,
            200);
  EXPECT_EQ(create(body)["state"], "registered");
  // Rules go away; a case with no rule has no suggestion.
  const auto town_rule_id = town_put.json()["id"].get<std::int64_t>();
  for (auto rid : {town_rule_id, district_rule_id}) {
    EXPECT_EQ(http("DELETE", "/api/appeals/dispatch-rules/" + std::to_string(rid), "", bearer(admin)).status, 204);
    EXPECT_EQ(http("DELETE", "/api/appeals/dispatch-rules/" + std::to_string(rid), "", bearer(admin)).status, 404);
  }
  EXPECT_EQ(http("GET", "/api/appeals/" + std::to_string(id) + "/dispatch-suggestion", "", bearer(p.dispatcher)).status,
            404);
}

// ------------------------------------------------------------------- attachments

// Bytes that start like the real formats (the checks read signatures, not whole files).
std::string png_bytes(std::size_t size = 2048) {
  std::string b("\x89PNG\r\n\x1A\n", 8);
  while (b.size() < size) b += static_cast<char>(b.size() * 7 % 251);
  return b;
}
std::string pdf_bytes() { return "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"; }

HttpResult upload(const std::string& token, std::int64_t id, const std::string& name, const std::string& type,
                  const std::string& bytes) {
  std::string encoded;
  for (unsigned char c : name) {
    char buf[4];
    std::snprintf(buf, sizeof buf, "%%%02X", c);
    encoded += buf;
  }
  auto headers = bearer(token);
  headers["content-type"] = type;
  return http("POST", "/api/appeals/" + std::to_string(id) + "/attachments?name=" + encoded, bytes, headers);
}

std::size_t stored_files() {
  std::size_t n = 0;
  const auto dir = runtime().config.files.dir;
  if (!std::filesystem::exists(dir)) return 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) n += e.is_regular_file() ? 1 : 0;
  return n;
}

TEST(AppealAttachments, TheCentreAndTheUnitAttachEveryoneInScopeDownloads) {
  const auto& p = people();
  const auto id = create(new_appeal())["id"].get<std::int64_t>();
  ASSERT_EQ(act(p.dispatcher, id, "dispatch", {{"lead_department_id", p.housing_dept}}).status, 200);
  ASSERT_EQ(act(p.housing, id, "sign").status, 200);

  // The agent attaches the caller's photo; bigger than the server's 64 KiB body limit, which
  // the upload route raises to [files] max_bytes.
  const auto photo = png_bytes(200 * 1024);
  auto up = upload(p.agent, id, "现场照片 1.png", "image/png", photo);
  ASSERT_EQ(up.status, 201) << up.body;
  EXPECT_EQ(up.json()["content_type"], "image/png");
  EXPECT_EQ(up.json()["size"], photo.size());
  EXPECT_EQ(up.json()["sha256"], platform::sha256_hex(photo));
  const auto photo_id = up.json()["id"].get<std::int64_t>();

  auto got = http("GET", "/api/appeals/" + std::to_string(id) + "/attachments/" + std::to_string(photo_id), "",
                  bearer(p.housing));
  ASSERT_EQ(got.status, 200);
  EXPECT_TRUE(got.body == photo);
  EXPECT_EQ(got.header("content-type"), "image/png");
  EXPECT_EQ(got.header("x-content-type-options"), "nosniff");
  EXPECT_NE(got.header("content-disposition").find("filename*=UTF-8''%E7%8E%B0%E5%9C%BA"), std::string::npos)
      << got.header("content-disposition");

  // The unit attaches its report and replies with it.
  auto report = upload(p.housing, id, "整改报告.PDF", "application/pdf", pdf_bytes());
  ASSERT_EQ(report.status, 201) << report.body;
  const auto report_id = report.json()["id"].get<std::int64_t>();
  auto other = create(new_appeal());
  auto foreign = upload(p.agent, other["id"].get<std::int64_t>(), "别的.png", "image/png", png_bytes());
  ASSERT_EQ(foreign.status, 201);
  auto wrong = act(p.housing, id, "reply",
                   {{"text", "已修复"}, {"result", "solved"}, {"attachment_ids", {foreign.json()["id"]}}});
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  auto reply = act(p.housing, id, "reply", {{"text", "已修复"}, {"result", "solved"}, {"attachment_ids", {report_id}}});
  ASSERT_EQ(reply.status, 200) << reply.body;
  const auto view = reply.json();
  EXPECT_EQ(view["attachments"].size(), 2u);
  EXPECT_EQ(view["timeline"].back()["data"]["attachment_ids"], json::array({report_id}));

  // Out of scope: another town neither sees nor attaches; a leader reads but does not attach.
  EXPECT_EQ(http("GET", "/api/appeals/" + std::to_string(id) + "/attachments/" + std::to_string(photo_id), "",
                 bearer(p.gushao))
                .status,
            404);
  EXPECT_EQ(upload(p.gushao, id, "x.png", "image/png", png_bytes()).status, 404);
  EXPECT_EQ(upload(p.leader, id, "x.png", "image/png", png_bytes()).status, 403);
  EXPECT_EQ(http("GET",
                 "/api/appeals/" + std::to_string(id) + "/attachments/" +
                     std::to_string(foreign.json()["id"].get<std::int64_t>()),
                 "", bearer(login("admin")))
                .status,
            404)
      << "an attachment is reached through its own case only";
}

TEST(AppealAttachments, ForgedTypesPathsAndSizesAreRefusedAndLeaveNothing) {
  const auto& p = people();
  const auto id = create(new_appeal())["id"].get<std::int64_t>();
  const auto files_before = stored_files();
  struct Case {
    std::string name, type, bytes;
    int status;
    std::string field;
  };
  const std::vector<Case> cases{
      {"photo.jpg", "image/jpeg", png_bytes(), 400, "name"},          // the bytes are PNG
      {"photo.png", "image/jpeg", png_bytes(), 400, "content-type"},  // declared type lies
      {"page.html", "text/html", "<html><script>alert(1)</script></html>", 400, "file"},
      {"image.svg", "image/svg+xml", "<svg xmlns=\"http://www.w3.org/2000/svg\"/>", 400, "file"},
      {"run.exe", "application/octet-stream", std::string("MZ\x90\x00", 4) + std::string(100, 'x'), 400, "file"},
      {"../../etc/passwd.png", "image/png", png_bytes(), 400, "name"},
      {"a/b.png", "image/png", png_bytes(), 400, "name"},
      {"a\\b.png", "image/png", png_bytes(), 400, "name"},
      {".hidden.png", "image/png", png_bytes(), 400, "name"},
      {"noextension", "image/png", png_bytes(), 400, "name"},
      {"", "image/png", png_bytes(), 400, "name"},
      {std::string(101, 'a') + ".png", "image/png", png_bytes(), 400, "name"},
      {"empty.png", "image/png", "", 400, "file"},
  };
  for (const auto& c : cases) {
    auto r = upload(p.agent, id, c.name, c.type, c.bytes);
    EXPECT_EQ(r.status, c.status) << c.name << ": " << r.body;
    if (r.status == 400) {
      EXPECT_EQ(r.json()["errors"][0]["field"], c.field) << c.name << ": " << r.body;
    }
  }
  // One byte over [files] max_bytes (1 MiB here): refused on the header, before any body is
  // sent (a client that sends it anyway may see the connection reset under its upload).
  auto huge = raw("POST /api/appeals/" + std::to_string(id) +
                  "/attachments?name=big.png HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + p.agent +
                  "\r\nContent-Type: image/png\r\nContent-Length: " + std::to_string((1 << 20) + 1) + "\r\n\r\n");
  EXPECT_EQ(huge.rfind("HTTP/1.1 413", 0), 0u) << huge.substr(0, 200);
  // Exactly the limit is accepted.
  EXPECT_EQ(upload(p.agent, id, "max.png", "image/png", png_bytes(1 << 20)).status, 201);
  auto view = http("GET", "/api/appeals/" + std::to_string(id), "", bearer(p.agent)).json();
  EXPECT_EQ(view["attachments"].size(), 1u);
  EXPECT_EQ(stored_files(), files_before + 1) << "a refused upload writes no file";
}

TEST(AppealAttachments, ACorruptedFileIsNeverServed) {
  const auto& p = people();
  const auto id = create(new_appeal())["id"].get<std::int64_t>();
  auto bytes = png_bytes(4096);
  bytes[100] = 'A';  // unlike any other test's file
  auto up = upload(p.agent, id, "损坏测试.png", "image/png", bytes);
  ASSERT_EQ(up.status, 201) << up.body;
  const auto sha = up.json()["sha256"].get<std::string>();
  const auto path = std::filesystem::path(runtime().config.files.dir) / sha.substr(0, 2) / sha;
  ASSERT_TRUE(std::filesystem::exists(path));
  {
    std::fstream f(path, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(2000);
    f.put('!');
  }
  auto got =
      http("GET", "/api/appeals/" + std::to_string(id) + "/attachments/" + up.json()["id"].dump(), "", bearer(p.agent));
  EXPECT_EQ(got.status, 500);
  EXPECT_EQ(got.body.find("\x89PNG"), std::string::npos);
  // Uploading the same bytes again repairs the store.
  ASSERT_EQ(upload(p.agent, id, "损坏测试.png", "image/png", bytes).status, 201);
  EXPECT_EQ(
      http("GET", "/api/appeals/" + std::to_string(id) + "/attachments/" + up.json()["id"].dump(), "", bearer(p.agent))
          .status,
      200);
}

// ------------------------------------------------------------------- catalogue

TEST(AppealCatalogue, TheCentreEditsCategoriesAndTimeLimitsOthersCannot) {
  const auto& p = people();
  const auto admin = login("admin");
  auto cats = http("GET", "/api/appeals/categories", "", bearer(admin)).json();
  std::int64_t top = 0;
  for (const auto& c : cats["items"])
    if (c["name"] == "城乡建设") top = c["id"].get<std::int64_t>();
  ASSERT_GT(top, 0);

  // Rights: the agent reads time limits but changes nothing.
  EXPECT_EQ(http("POST", "/api/appeals/categories", json{{"parent_id", top}, {"code", "X1"}, {"name", "x"}}.dump(),
                 bearer(p.agent))
                .status,
            403);
  EXPECT_EQ(http("GET", "/api/appeals/sla", "", bearer(p.agent)).status, 200);
  EXPECT_EQ(http("PUT", "/api/appeals/sla", json{{"urgency", "normal"}, {"sign_minutes", 1}, {"handle_days", 1}}.dump(),
                 bearer(p.agent))
                .status,
            403);

  // A new category under 城乡建设 inherits the district default until it has its own limit.
  auto add = http("POST", "/api/appeals/categories",
                  json{{"parent_id", top}, {"code", "0199"}, {"name", "电梯故障"}}.dump(), bearer(admin));
  ASSERT_EQ(add.status, 201) << add.body;
  const auto id = add.json()["id"].get<std::int64_t>();
  EXPECT_EQ(http("POST", "/api/appeals/categories", json{{"parent_id", top}, {"code", "0199"}, {"name", "重复"}}.dump(),
                 bearer(admin))
                .status,
            409);
  for (const auto& bad : {json{{"code", "a"}, {"name", "x"}}, json{{"code", "a-b"}, {"name", "x"}},
                          json{{"code", "ab"}, {"name", ""}}, json{{"code", "ab"}, {"name", std::string(33, 'x')}},
                          json{{"code", "ab"}, {"name", "x"}, {"parent_id", 999999}}})
    EXPECT_EQ(http("POST", "/api/appeals/categories", bad.dump(), bearer(admin)).status, 400) << bad.dump();

  auto sla = http("GET", "/api/appeals/sla?category_id=" + std::to_string(id), "", bearer(admin)).json();
  ASSERT_EQ(sla["items"].size(), 3u);
  const auto urgent_default = sla["items"][1];
  EXPECT_EQ(urgent_default["urgency"], "urgent");
  EXPECT_EQ(urgent_default["own"], false);

  auto set = http("PUT", "/api/appeals/sla",
                  json{{"category_id", id}, {"urgency", "urgent"}, {"sign_minutes", 30}, {"handle_days", 1}}.dump(),
                  bearer(admin));
  ASSERT_EQ(set.status, 200) << set.body;
  EXPECT_EQ(set.json()["items"][1]["own"], true);
  EXPECT_EQ(set.json()["items"][1]["handle_days"], 1);
  EXPECT_EQ(http("PUT", "/api/appeals/sla",
                 json{{"category_id", id}, {"urgency", "urgent"}, {"sign_minutes", 0}, {"handle_days", 1}}.dump(),
                 bearer(admin))
                .status,
            400);
  EXPECT_EQ(http("PUT", "/api/appeals/sla",
                 json{{"category_id", id}, {"urgency", "soon"}, {"sign_minutes", 5}, {"handle_days", 1}}.dump(),
                 bearer(admin))
                .status,
            400);

  // A case of the new category dispatched now takes its limit: due within one working day.
  auto body = new_appeal("小区 3 号楼电梯困人，已打 119，要求物业检修。");
  body["category_id"] = id;
  body["urgency"] = "urgent";
  auto a = create(body);
  auto d = act(p.dispatcher, a["id"].get<std::int64_t>(), "dispatch", {{"lead_department_id", p.housing_dept}});
  ASSERT_EQ(d.status, 200) << d.body;
  const auto due = d.json()["handle_due_at"].get<std::int64_t>() - d.json()["dispatched_at"].get<std::int64_t>();
  EXPECT_LE(due, 4LL * 86'400'000) << "one working day (a weekend or holiday at most in between)";

  // Back to inheriting; the district default cannot be removed.
  auto cleared =
      http("DELETE", "/api/appeals/sla?category_id=" + std::to_string(id) + "&urgency=urgent", "", bearer(admin));
  ASSERT_EQ(cleared.status, 200) << cleared.body;
  EXPECT_EQ(cleared.json()["items"][1], urgent_default);
  EXPECT_EQ(http("DELETE", "/api/appeals/sla?category_id=" + std::to_string(id) + "&urgency=urgent", "", bearer(admin))
                .status,
            404);
  EXPECT_EQ(http("DELETE", "/api/appeals/sla?urgency=urgent", "", bearer(admin)).status, 400);

  // Switched off: gone from intake and from Open311, the existing case keeps it.
  auto off =
      http("PUT", "/api/appeals/categories/" + std::to_string(id), json{{"active", false}}.dump(), bearer(admin));
  ASSERT_EQ(off.status, 200) << off.body;
  EXPECT_EQ(off.json()["active"], false);
  auto again = http("POST", "/api/appeals", body.dump(), bearer(p.agent));
  EXPECT_EQ(again.status, 400);
  EXPECT_EQ(http("GET", "/open311/v2/services/0199.json").status, 404);
  EXPECT_EQ(http("GET", "/api/appeals/" + a["id"].dump(), "", bearer(p.agent)).json()["category_id"], id);
  // A group switched off takes its children with it; a group whose children are all off is a
  // category of its own again.
  auto group =
      http("POST", "/api/appeals/categories", json{{"code", "98"}, {"name", "测试分组"}}.dump(), bearer(admin));
  ASSERT_EQ(group.status, 201) << group.body;
  auto child =
      http("POST", "/api/appeals/categories",
           json{{"parent_id", group.json()["id"]}, {"code", "9801"}, {"name", "测试子类"}}.dump(), bearer(admin));
  ASSERT_EQ(child.status, 201) << child.body;
  auto with_category = [&](const json& cid) {
    auto b = new_appeal("测试分类启停对受理的影响，请忽略。");
    b["category_id"] = cid;
    return http("POST", "/api/appeals", b.dump(), bearer(p.agent)).status;
  };
  EXPECT_EQ(with_category(child.json()["id"]), 201);
  EXPECT_EQ(with_category(group.json()["id"]), 400) << "a group is not a leaf";
  ASSERT_EQ(
      http("PUT", "/api/appeals/categories/" + group.json()["id"].dump(), json{{"active", false}}.dump(), bearer(admin))
          .status,
      200);
  EXPECT_EQ(with_category(child.json()["id"]), 400) << "its group is off";
  EXPECT_EQ(http("GET", "/api/public/appeals/meta").body.find("测试子类"), std::string::npos);
  EXPECT_EQ(http("GET", "/open311/v2/services/9801.json").status, 404);
  ASSERT_EQ(
      http("PUT", "/api/appeals/categories/" + group.json()["id"].dump(), json{{"active", true}}.dump(), bearer(admin))
          .status,
      200);
  ASSERT_EQ(
      http("PUT", "/api/appeals/categories/" + child.json()["id"].dump(), json{{"active", false}}.dump(), bearer(admin))
          .status,
      200);
  EXPECT_EQ(with_category(group.json()["id"]), 201) << "no child in use: the group is a leaf";

  auto renamed =
      http("PUT", "/api/appeals/categories/" + std::to_string(id), json{{"name", "电梯安全"}}.dump(), bearer(admin));
  EXPECT_EQ(renamed.json()["name"], "电梯安全");
  auto log = http("GET", "/api/audit/operations?entity=appeal_category", "", bearer(admin));
  EXPECT_NE(log.body.find("电梯安全"), std::string::npos);
}

}  // namespace
}  // namespace ecity::test
