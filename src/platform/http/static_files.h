// Serves the built console (web/dist): ETag validators, pre-compressed `.gz` siblings when
// the client accepts gzip, long caching for hashed assets, index.html for client-side
// routes. Paths are percent-decoded and confined to the root: `..`, NUL, backslashes and
// symlinks leading outside answer 404, never a file.
//
// Thread-safety: serve() is safe from any thread (files are read on each request; the
// console is small and the OS page cache does the caching).
#pragma once

#include "platform/http/message.h"

#include <filesystem>
#include <optional>

namespace ecity::platform {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);
  bool available() const { return !root_.empty(); }
  // nullopt: not a static path (let the router answer, e.g. 404 problem).
  std::optional<Response> serve(const Request& req) const;

 private:
  std::filesystem::path root_;  // canonical, or empty when the directory is missing
};

}  // namespace ecity::platform
