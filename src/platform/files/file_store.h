// Uploaded files (appeal attachments, project photos): what a file is judged by, and where
// its bytes live.
//
// A file's type is what its bytes say (sniff), never what the client claims: the claimed
// name's extension and Content-Type must agree with the bytes, or the upload is refused. A
// client's file name is kept as a label only (checked_file_name) and never becomes a path:
// bytes are stored content-addressed, under the hex SHA-256 of their content, so the same
// file uploaded twice is stored once and a stored file can be verified on every read.
#pragma once

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace ecity::platform {

struct FileType {
  std::string mime;                     // e.g. "image/jpeg"
  std::vector<std::string> extensions;  // lower case, without the dot; the first is the usual one
};

// The type of `bytes` from their signature: JPEG, PNG, GIF, WebP, PDF, Word/Excel/PowerPoint
// (OOXML), MP3, WAV, AMR (phone recordings), MP4 (video or M4A audio); nullopt for anything
// else (executables, scripts, HTML and SVG included: they could run in a browser).
std::optional<FileType> sniff(std::string_view bytes);

// A file name as a label: 1–100 characters of UTF-8, with an extension, without path
// separators ('/', '\\'), "..", control characters, a leading dot or reserved characters
// (<>:"|?*). Throws Error (invalid, field `field`) otherwise; returns it unchanged.
std::string checked_file_name(std::string_view name, const std::string& field = "name");
// The extension of a checked name, lower case, without the dot.
std::string extension_of(std::string_view name);

// Throws Error (invalid "file-type") unless `bytes` are of a supported type whose extensions
// include `name`'s and whose MIME type is `declared_mime` (or that is empty or
// application/octet-stream). Returns the sniffed type.
FileType check_file(std::string_view bytes, std::string_view name, std::string_view declared_mime);

// Throws Error (too large, "file-too-large") when `size` exceeds `max_bytes` (files.max_bytes),
// naming the limit in MiB.
void check_file_size(std::size_t size, std::int64_t max_bytes);

class FileStore {
 public:
  explicit FileStore(std::filesystem::path dir);

  // Stores `bytes` durably (a temporary file, fsync, rename, fsync of the directory) under
  // their SHA-256 and returns it (hex). Storing the same bytes again is a no-op.
  std::string put(std::string_view bytes) const;
  // The bytes stored under `sha256`. Throws Error (internal) if they are missing or no longer
  // hash to `sha256` (the disk lost them: never serve a corrupted file).
  std::string get(const std::string& sha256) const;
  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path path_of(const std::string& sha256) const;
  std::filesystem::path dir_;
};

}  // namespace ecity::platform
