// HTTP ↔ org service.
#include "platform/error.h"
#include "platform/runtime.h"

#include <cmath>
#include <cstdlib>

namespace ecity::platform {

namespace {
double coordinate(const Request& req, const std::string& key, double min, double max) {
  auto v = req.q(key);
  if (!v || v->empty())
    throw Error::invalid("validation", "缺少参数 " + key, "missing query parameter " + key)
        .on_field(key, "必填");
  char* end = nullptr;
  double x = std::strtod(v->c_str(), &end);
  if (end != v->c_str() + v->size() || !std::isfinite(x) || x < min || x > max)
    throw Error::invalid("validation", "参数 " + key + " 应为有效坐标",
                         "query parameter " + key + " must be a valid coordinate")
        .on_field(key, "坐标无效");
  return x;
}
}  // namespace

void add_org_routes(Runtime& rt) {
  auto& r = rt.router;
  r.add({"GET", "/api/org/regions", "org:read", true, "org", "Regions (district, towns, villages, grids)",
         [&rt](const Request&, const Principal* who) { return Response::json(200, rt.org.list_regions(*who)); }});
  r.add({"GET", "/api/org/regions/{id}", "org:read", true, "org", "One region with its GeoJSON geometry",
         [&rt](const Request& req, const Principal* who) {
           return Response::json(200, rt.org.get_region(*who, req.id_param()));
         }});
  r.add({"GET", "/api/org/map", "org:read", true, "org",
         "The regions of one level (level=town by default) as a GeoJSON FeatureCollection, for maps",
         [&rt](const Request& req, const Principal* who) {
           return Response::json(200, rt.org.map(*who, req.q("level").value_or("town")));
         }});
  r.add({"GET", "/api/org/locate", "org:read", true, "org", "The town, village and grid containing a point (WGS84)",
         [&rt](const Request& req, const Principal*) {
           double lng = coordinate(req, "lng", -180, 180);
           double lat = coordinate(req, "lat", -90, 90);
           return Response::json(200, rt.org.locate(lng, lat));
         }});
  r.add({"GET", "/api/org/departments", "org:read", true, "org", "Departments",
         [&rt](const Request&, const Principal* who) { return Response::json(200, rt.org.list_departments(*who)); }});
  r.add({"POST", "/api/org/departments", "org:write", true, "org", "Create a department",
         [&rt](const Request& req, const Principal* who) {
           return Response::json(201, rt.org.create_department(*who, actor_of(req, who), req.json_object()));
         }});
  r.add({"PUT", "/api/org/departments/{id}", "org:write", true, "org", "Update a department",
         [&rt](const Request& req, const Principal* who) {
           return Response::json(200,
                                 rt.org.update_department(*who, actor_of(req, who), req.id_param(), req.json_object()));
         }});
  r.add({"DELETE", "/api/org/departments/{id}", "org:write", true, "org", "Delete an empty department",
         [&rt](const Request& req, const Principal* who) {
           rt.org.delete_department(*who, actor_of(req, who), req.id_param());
           return Response::no_content();
         }});
  r.add({"GET", "/api/org/positions", "org:read", true, "org", "Positions",
         [&rt](const Request&, const Principal*) { return Response::json(200, rt.org.list_positions()); }});
}

}  // namespace ecity::platform
