#include "platform/http/static_files.h"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace ecity::platform {

namespace {

std::string content_type_of(const std::filesystem::path& p) {
  auto ext = p.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".geojson") return "application/json; charset=utf-8";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".ttf") return "font/ttf";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  return "application/octet-stream";
}

std::optional<std::string> read_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

bool accepts_gzip(const Request& req) {
  auto ae = req.header("accept-encoding");
  return ae.find("gzip") != std::string_view::npos;
}

}  // namespace

StaticFiles::StaticFiles(std::filesystem::path root) {
  std::error_code ec;
  auto canon = std::filesystem::canonical(root, ec);
  if (!ec && std::filesystem::is_directory(canon)) root_ = canon;
}

std::optional<Response> StaticFiles::serve(const Request& req) const {
  if (root_.empty() || (req.method != "GET" && req.method != "HEAD")) return std::nullopt;
  const std::string& path = req.path;  // already percent-decoded, NUL rejected
  if (path.empty() || path[0] != '/' || path.find("..") != std::string::npos ||
      path.find('\\') != std::string::npos || path.find('\0') != std::string::npos)
    return std::nullopt;
  std::filesystem::path rel = path == "/" ? std::filesystem::path("index.html") : std::filesystem::path(path.substr(1));
  std::error_code ec;
  auto file = std::filesystem::weakly_canonical(root_ / rel, ec);
  bool inside = !ec && file.string().rfind(root_.string() + "/", 0) == 0;
  if (!inside || !std::filesystem::is_regular_file(file, ec)) {
    // Client-side routes ("/users") get the console; missing assets get a 404.
    if (rel.has_extension()) return std::nullopt;
    file = root_ / "index.html";
    if (!std::filesystem::is_regular_file(file, ec)) return std::nullopt;
  }
  auto size = std::filesystem::file_size(file, ec);
  auto mtime = std::filesystem::last_write_time(file, ec).time_since_epoch().count();
  std::string etag = fmt::format("\"{:x}-{:x}\"", size, static_cast<unsigned long long>(mtime));

  Response r;
  r.content_type = content_type_of(file);
  bool hashed_asset = path.rfind("/assets/", 0) == 0;
  r.headers.emplace_back("Cache-Control", hashed_asset ? "public, max-age=31536000, immutable" : "no-cache");
  r.headers.emplace_back("Vary", "Accept-Encoding");
  r.headers.emplace_back("X-Content-Type-Options", "nosniff");

  auto gz = file;
  gz += ".gz";
  bool use_gz = accepts_gzip(req) && std::filesystem::is_regular_file(gz, ec);
  if (use_gz) etag.insert(etag.size() - 1, "-gz");
  r.headers.emplace_back("ETag", etag);
  if (req.header("if-none-match") == etag) {
    r.status = 304;
    r.content_type.clear();
    return r;
  }
  auto body = read_file(use_gz ? gz : file);
  if (!body) return std::nullopt;
  if (use_gz) r.headers.emplace_back("Content-Encoding", "gzip");
  r.body = std::move(*body);
  return r;
}

}  // namespace ecity::platform
