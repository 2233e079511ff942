// Health, readiness, metrics and the OpenAPI document.
#include "platform/runtime.h"

namespace ecity::platform {

void add_system_routes(Runtime& rt) {
  auto& r = rt.router;
  r.add({"GET", "/healthz", "", false, "system", "Liveness: the process answers (no database access)",
         [](const Request&, const Principal*) { return Response::json(200, {{"status", "ok"}}); }});
  r.add({"GET", "/readyz", "", false, "system", "Readiness: the database answers",
         [&rt](const Request& req, const Principal*) {
           if (rt.ready()) return Response::json(200, {{"status", "ready"}});
           return problem_response(Error::unavailable("数据库不可用", "the database is unavailable"), req);
         }});
  r.add({"GET", "/metrics", "", false, "system", "Prometheus metrics",
         [&rt](const Request&, const Principal*) {
           Response resp;
           resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
           resp.body = rt.metrics.render();
           return resp;
         }});
  r.add({"GET", "/api/openapi.json", "", false, "system", "This API's OpenAPI 3.1 document",
         [&rt](const Request&, const Principal*) { return Response::json(200, openapi_document(rt.router)); }});
}

nlohmann::json openapi_document(const Router& router) {
  nlohmann::json paths = nlohmann::json::object();
  for (const auto& route : router.routes()) {
    nlohmann::json op = {{"summary", route.summary}, {"tags", {route.tag}}, {"operationId", route.method + " " + route.pattern}};
    nlohmann::json params = nlohmann::json::array();
    for (std::size_t i = route.pattern.find('{'); i != std::string::npos; i = route.pattern.find('{', i + 1)) {
      auto name = route.pattern.substr(i + 1, route.pattern.find('}', i) - i - 1);
      params.push_back({{"name", name}, {"in", "path"}, {"required", true}, {"schema", {{"type", "string"}}}});
    }
    if (!params.empty()) op["parameters"] = params;
    if (route.authenticated) {
      op["security"] = nlohmann::json::array({{{"bearer", nlohmann::json::array()}}});
      if (!route.permission.empty()) op["x-permission"] = route.permission;
    } else {
      op["security"] = nlohmann::json::array();
    }
    if (route.method == "POST" || route.method == "PUT")
      op["requestBody"] = {{"content", {{"application/json", {{"schema", {{"type", "object"}}}}}}}};
    op["responses"] = {
        {"2XX", {{"description", "Success"}}},
        {"default", {{"description", "Error", }, {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}}}};
    std::string method = route.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[route.pattern][method] = op;
  }
  return {
      {"openapi", "3.1.0"},
      {"info",
       {{"title", "ecity API"},
        {"version", ECITY_VERSION},
        {"description", "数智e城 — digital governance platform. Errors are RFC 7807 problem+json; "
                        "detail follows Accept-Language (zh-CN default, en)."}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes", {{"bearer", {{"type", "http"}, {"scheme", "bearer"}}}}},
        {"schemas",
         {{"Problem",
           {{"type", "object"},
            {"required", {"type", "title", "status", "detail"}},
            {"properties",
             {{"type", {{"type", "string"}}},
              {"title", {{"type", "string"}}},
              {"status", {{"type", "integer"}}},
              {"detail", {{"type", "string"}}},
              {"errors", {{"type", "array"}}}}}}}}}}},
  };
}

}  // namespace ecity::platform
