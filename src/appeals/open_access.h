// The appeal centre's open doors: the citizens' page (file an appeal without an account,
// follow it by number and query code) and Open311 GeoReport v2 for other systems. Both end
// in AppealService::create, so an appeal from outside is an ordinary appeal; both are rate
// limited (config [limits]); neither reveals a case to a caller who cannot prove a right to it.
//
// Open311 clients are registered by the centre (appeals:config); each API key acts as the
// client's service-account user, whose roles and data scope decide what it may file and read.
#pragma once

#include "appeals/model.h"
#include "appeals/service.h"
#include "appeals/store.h"

#include "platform/audit/audit_log.h"
#include "platform/auth/principal.h"
#include "platform/http/rate_limit.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ecity::platform {
class Runtime;
}

namespace ecity::appeals {

// One line of a case's progress as the citizen sees it: no staff names, no internal steps.
struct PublicStep {
  std::int64_t at = 0;
  Action action = Action::kRegister;
  std::string unit_name;  // the unit that acted or received the case; empty for the centre
};
struct PublicStatus {
  Appeal appeal;
  std::string category_name;
  std::string lead_unit_name;
  std::vector<PublicStep> steps;
};

// An authenticated Open311 caller.
struct Open311Caller {
  Open311Client client;
  platform::Principal principal;
};
struct Open311View {
  ListItem item;
  std::optional<Open311Request> open311;  // set when the case came in through Open311
  std::string service_code;
};

class OpenAccess {
 public:
  OpenAccess(platform::Runtime& rt, AppealService& appeals);

  // ---- citizens (no session)
  // Files `in` on the website channel as a citizen; the result carries the query code.
  Appeal file_public(const std::string& client_ip, NewAppeal in);
  // The case numbered `number` if `query_code` is its code; otherwise not_found (the same
  // answer for a wrong number and a wrong code, and a wrong code costs more of the rate).
  PublicStatus public_status(const std::string& client_ip, const std::string& number, const std::string& query_code);
  // Counts one public read of `client_ip` against the rate limit (throws 429 when over).
  void count_public_read(const std::string& client_ip);

  // ---- Open311 clients (appeals:config)
  std::vector<Open311Client> clients(const platform::Principal& who);
  // Registers a client; returns it and its API key, which is not stored and not shown again.
  std::pair<Open311Client, std::string> add_client(const platform::Principal& who, const platform::Actor& actor,
                                                   const std::string& name, Channel channel, std::int64_t user_id);
  void deactivate_client(const platform::Principal& who, const platform::Actor& actor, std::int64_t id);

  // ---- Open311
  // The caller behind `api_key` (counted against its rate). Throws forbidden for a missing,
  // unknown or deactivated key, and for a service account without appeals:read.
  Open311Caller authenticate(const std::string& client_ip, const std::string& api_key);
  // Services are the active leaf categories; service_code is the category code.
  std::vector<Category> services();
  // Every category in use, groups included, with the leaf flag (for names and trees).
  std::vector<CategoryInUse> categories();
  // The district's name (the root of the region tree), for the citizens' page.
  std::string district_name();
  Category service(const std::string& service_code);  // not_found
  // Files an appeal for `caller` (its channel); `extra` carries the Open311-only fields.
  std::pair<Appeal, Open311Request> post(const Open311Caller& caller, const std::string& client_ip, NewAppeal in,
                                         Open311Request extra);
  // The cases the caller's service account may see, matching `f` (at most 1,000).
  std::vector<Open311View> requests(const Open311Caller& caller, ListFilter f);
  // The case a token stands for, if the caller may see it.
  std::optional<std::int64_t> token(const Open311Caller& caller, const std::string& token);

 private:
  platform::Runtime& rt_;
  AppealService& appeals_;
  platform::RateLimiter public_reads_;
  platform::RateLimiter public_writes_;
  platform::RateLimiter open311_;
  platform::RateLimiter bad_keys_;  // per IP: unknown API keys
};

}  // namespace ecity::appeals
