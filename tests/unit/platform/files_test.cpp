// What an uploaded file is judged by: its bytes' signature and a name that is only a label.
#include "platform/files/file_store.h"

#include "platform/db/migrations.h"
#include "platform/error.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ecity::platform {
namespace {

using namespace std::string_literals;

TEST(Sniff, RecognisesTheSupportedSignaturesOnly) {
  const std::vector<std::pair<std::string, std::string>> cases{
      {"\xFF\xD8\xFF\xE0"s + "JFIF", "image/jpeg"},
      {"\x89PNG\r\n\x1A\n"s, "image/png"},
      {"GIF89a...", "image/gif"},
      {"RIFF\x10\0\0\0WEBPVP8 "s, "image/webp"},
      {"RIFF\x10\0\0\0WAVEfmt "s, "audio/wav"},
      {"%PDF-1.4\n", "application/pdf"},
      {"#!AMR\n\x3c", "audio/amr"},
      {"ID3\x04\0\0\0\0\0\0"s, "audio/mpeg"},
      {"\0\0\0\x18"
       "ftypmp42"s,
       "video/mp4"},
      {"\0\0\0\x18"
       "ftypM4A "s,
       "audio/mp4"},
      {"PK\x03\x04...[Content_Types].xml...word/document.xml"s,
       "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
      {"PK\x03\x04...[Content_Types].xml...xl/workbook.xml"s,
       "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
  };
  for (const auto& [bytes, mime] : cases) {
    auto t = sniff(bytes);
    ASSERT_TRUE(t) << mime;
    EXPECT_EQ(t->mime, mime);
  }
  for (const auto& bad : {"<html><script>"s, "<svg xmlns='http://www.w3.org/2000/svg'/>"s, "MZ\x90\0"s,
                          "\x7F"
                          "ELF"s,
                          "PK\x03\x04 just a zip"s, "#!/bin/sh\nrm -rf /"s, ""s, "plain text"s})
    EXPECT_FALSE(sniff(bad)) << bad;
}

std::string name_error(const std::string& name) {
  try {
    checked_file_name(name);
  } catch (const Error& e) {
    return e.detail_en();
  }
  return "";
}

TEST(FileName, IsALabelNeverAPath) {
  for (const auto& ok : {"现场照片.jpg", "整改报告 (终稿).PDF", "a.b.c.png", "录音-2026.11.27.amr"})
    EXPECT_EQ(name_error(ok), "") << ok;
  for (const auto& bad : {"", "../x.png", "a/b.png", "a\\b.png", "..", ".env.png", "x.png.", " x.png", "noext",
                          "a\x01.png", "con:x.png", "a|b.png", "what?.png"})
    EXPECT_NE(name_error(bad), "") << bad;
  EXPECT_NE(name_error(std::string(97, 'a') + ".png"), "") << "101 characters";
  EXPECT_EQ(name_error(std::string(96, 'a') + ".png"), "") << "100 characters";
  EXPECT_NE(name_error("bad\xC3.png"), "") << "not UTF-8";
  EXPECT_EQ(extension_of("A.JPEG"), "jpeg");
}

TEST(CheckFile, TheNameAndTheDeclaredTypeMustAgreeWithTheBytes) {
  const auto png = "\x89PNG\r\n\x1A\n rest"s;
  EXPECT_EQ(check_file(png, "a.png", "image/png").mime, "image/png");
  EXPECT_EQ(check_file(png, "a.PNG", "").mime, "image/png");
  EXPECT_EQ(check_file(png, "a.png", "application/octet-stream").mime, "image/png");
  EXPECT_EQ(check_file(png, "a.png", "Image/PNG; charset=binary").mime, "image/png");
  EXPECT_THROW(check_file(png, "a.jpg", "image/png"), Error);
  EXPECT_THROW(check_file(png, "a.png", "image/jpeg"), Error);
  EXPECT_THROW(check_file(png, "a.png", "text/html"), Error);
  EXPECT_THROW(check_file("", "a.png", "image/png"), Error);
  EXPECT_EQ(check_file("\xFF\xD8\xFF\xE0"s, "a.jpeg", "image/jpg").mime, "image/jpeg");
}

TEST(FileStore, StoresByContentDurablyAndVerifiesOnRead) {
  const auto dir = std::filesystem::temp_directory_path() / ("ecity-files-" + std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  FileStore store(dir);
  const std::string bytes = "\x89PNG\r\n\x1A\n 峄城区";
  const auto sha = store.put(bytes);
  EXPECT_EQ(sha, sha256_hex(bytes));
  EXPECT_EQ(store.put(bytes), sha) << "the same bytes again: same place";
  EXPECT_EQ(store.get(sha), bytes);
  std::size_t files = 0;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) files += e.is_regular_file();
  EXPECT_EQ(files, 1u) << "no temporary file left behind";
  // Damage on disk is caught, and a new upload of the same bytes repairs it.
  { std::ofstream(dir / sha.substr(0, 2) / sha, std::ios::binary) << "tampered"; }
  EXPECT_THROW(store.get(sha), Error);
  store.put(bytes);
  EXPECT_EQ(store.get(sha), bytes);
  EXPECT_THROW(store.get(std::string(64, '0')), Error) << "missing";
  EXPECT_THROW(store.get("../../etc/passwd"), std::logic_error);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace ecity::platform
