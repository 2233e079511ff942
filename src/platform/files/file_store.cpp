#include "platform/files/file_store.h"

#include "platform/db/migrations.h"
#include "platform/error.h"
#include "platform/http/fields.h"
#include "platform/http/message.h"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <fstream>

namespace ecity::platform {

namespace {

bool starts(std::string_view bytes, std::string_view magic, std::size_t at = 0) {
  return bytes.size() >= at + magic.size() && bytes.substr(at, magic.size()) == magic;
}

Error file_error(const std::string& field, const std::string& zh, const std::string& en) {
  return Error::invalid("file-type", zh, en).on_field(field, zh);
}

}  // namespace

std::optional<FileType> sniff(std::string_view b) {
  using namespace std::string_view_literals;
  if (starts(b, "\xFF\xD8\xFF"sv)) return FileType{"image/jpeg", {"jpg", "jpeg"}};
  if (starts(b, "\x89PNG\r\n\x1A\n"sv)) return FileType{"image/png", {"png"}};
  if (starts(b, "GIF87a") || starts(b, "GIF89a")) return FileType{"image/gif", {"gif"}};
  if (starts(b, "RIFF") && starts(b, "WEBP", 8)) return FileType{"image/webp", {"webp"}};
  if (starts(b, "RIFF") && starts(b, "WAVE", 8)) return FileType{"audio/wav", {"wav"}};
  if (starts(b, "%PDF-")) return FileType{"application/pdf", {"pdf"}};
  if (starts(b, "#!AMR\n")) return FileType{"audio/amr", {"amr"}};
  if (starts(b, "ID3") ||
      (b.size() >= 2 && static_cast<unsigned char>(b[0]) == 0xFF && (static_cast<unsigned char>(b[1]) & 0xE0) == 0xE0))
    return FileType{"audio/mpeg", {"mp3"}};
  if (starts(b, "ftyp", 4)) {
    if (starts(b, "M4A ", 8)) return FileType{"audio/mp4", {"m4a"}};
    return FileType{"video/mp4", {"mp4", "m4v", "mov"}};
  }
  if (starts(b, "PK\x03\x04"sv)) {
    // OOXML: a zip whose first entries name the part folders. Other zips are refused.
    const auto head = b.substr(0, std::min<std::size_t>(b.size(), 64 * 1024));
    if (head.find("[Content_Types].xml") != std::string_view::npos) {
      if (head.find("word/") != std::string_view::npos)
        return FileType{"application/vnd.openxmlformats-officedocument.wordprocessingml.document", {"docx"}};
      if (head.find("xl/") != std::string_view::npos)
        return FileType{"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", {"xlsx"}};
      if (head.find("ppt/") != std::string_view::npos)
        return FileType{"application/vnd.openxmlformats-officedocument.presentationml.presentation", {"pptx"}};
    }
  }
  return std::nullopt;
}

std::string extension_of(std::string_view name) {
  const auto dot = name.rfind('.');
  if (dot == std::string_view::npos) return "";
  std::string ext(name.substr(dot + 1));
  for (auto& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

void check_file_size(std::size_t size, std::int64_t max_bytes) {
  if (static_cast<std::int64_t>(size) <= max_bytes) return;
  throw Error(Error::Kind::kTooLarge, "file-too-large", "Payload too large",
              "文件超过 " + std::to_string(max_bytes >> 20) + " MiB 上限",
              "the file is larger than " + std::to_string(max_bytes >> 20) + " MiB");
}

std::string checked_file_name(std::string_view name, const std::string& field) {
  auto fail = [&](const std::string& zh, const std::string& en) {
    return Error::invalid("validation", "文件名" + zh, "file name " + en).on_field(field, zh);
  };
  if (name.empty()) throw fail("不能为空", "is empty");
  if (!valid_utf8(name)) throw fail("不是有效的 UTF-8 文本", "is not valid UTF-8");
  if (utf8_length(name) > 100) throw fail("不能超过 100 个字", "is longer than 100 characters");
  for (unsigned char c : name)
    if (c < 0x20 || c == 0x7F) throw fail("含有控制字符", "contains control characters");
  if (name.find('/') != std::string_view::npos || name.find('\\') != std::string_view::npos ||
      name.find("..") != std::string_view::npos)
    throw fail("不能包含路径", "must not contain a path");
  if (name.find_first_of("<>:\"|?*") != std::string_view::npos)
    throw fail("含有不允许的字符 <>:\"|?*", "contains one of <>:\"|?*");
  if (name.front() == '.' || name.front() == ' ' || name.back() == ' ' || name.back() == '.')
    throw fail("不能以点或空格开头或结尾", "must not start or end with a dot or a space");
  if (extension_of(name).empty()) throw fail("缺少扩展名", "has no extension");
  return std::string(name);
}

FileType check_file(std::string_view bytes, std::string_view name, std::string_view declared_mime) {
  if (bytes.empty()) throw file_error("file", "文件为空", "the file is empty");
  auto type = sniff(bytes);
  if (!type)
    throw file_error("file", "不支持的文件类型（支持图片、PDF、Word/Excel/PowerPoint、录音、视频）",
                     "unsupported file type (images, PDF, Word/Excel/PowerPoint, audio, video)");
  const auto ext = extension_of(name);
  if (std::find(type->extensions.begin(), type->extensions.end(), ext) == type->extensions.end())
    throw file_error("name", "文件扩展名 ." + ext + " 与文件内容（" + type->mime + "）不符",
                     "the extension ." + ext + " does not match the content (" + type->mime + ")");
  auto mime = std::string(declared_mime.substr(0, declared_mime.find(';')));
  while (!mime.empty() && mime.back() == ' ') mime.pop_back();
  for (auto& c : mime) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (!mime.empty() && mime != "application/octet-stream" && mime != type->mime &&
      !(type->mime == "image/jpeg" && mime == "image/jpg"))
    throw file_error("content-type", "声明的类型 " + mime + " 与文件内容（" + type->mime + "）不符",
                     "the declared type " + mime + " does not match the content (" + type->mime + ")");
  return *type;
}

FileStore::FileStore(std::filesystem::path dir) : dir_(std::move(dir)) {}

std::filesystem::path FileStore::path_of(const std::string& sha256) const {
  if (sha256.size() != 64 || sha256.find_first_not_of("0123456789abcdef") != std::string::npos)
    throw std::logic_error("file store: not a SHA-256: " + sha256);
  return dir_ / sha256.substr(0, 2) / sha256;
}

namespace {

// The whole file, or "" if it cannot be read.
std::string read_all(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!in.good() && !in.eof()) bytes.clear();
  return bytes;
}

void fsync_path(const std::filesystem::path& p, int flags) {
  int fd = ::open(p.c_str(), flags);
  if (fd < 0) throw std::runtime_error("file store: cannot open " + p.string() + ": " + std::strerror(errno));
  const int rc = ::fsync(fd);
  ::close(fd);
  if (rc != 0) throw std::runtime_error("file store: fsync failed for " + p.string());
}

}  // namespace

std::string FileStore::put(std::string_view bytes) const {
  const auto sha = sha256_hex(std::string(bytes));
  const auto path = path_of(sha);
  std::error_code ec;
  if (std::filesystem::exists(path, ec) && std::filesystem::file_size(path, ec) == bytes.size()) {
    // Already stored, unless the disk damaged it: then this upload repairs it.
    if (sha256_hex(read_all(path)) == sha) return sha;
  }
  std::filesystem::create_directories(path.parent_path());
  unsigned char rnd[8];
  randombytes_buf(rnd, sizeof rnd);
  char hex[sizeof rnd * 2 + 1];
  sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
  const auto tmp = path.parent_path() / (".tmp-" + std::string(hex));
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.flush();
    if (!out) {
      std::filesystem::remove(tmp, ec);
      throw std::runtime_error("file store: cannot write " + tmp.string());
    }
  }
  fsync_path(tmp, O_RDONLY);
  std::filesystem::rename(tmp, path);
  fsync_path(path.parent_path(), O_RDONLY | O_DIRECTORY);
  return sha;
}

std::string FileStore::get(const std::string& sha256) const {
  const auto path = path_of(sha256);
  auto bytes = read_all(path);
  if (sha256_hex(bytes) != sha256) {
    spdlog::error("event=file_corrupt sha256={} path=\"{}\"", sha256, path.string());
    throw Error::internal();
  }
  return bytes;
}

}  // namespace ecity::platform
