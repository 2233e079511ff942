// The platform's one error type. Thrown where input is judged (a service, a parser, the
// router); caught once in platform/http and rendered as RFC 7807 application/problem+json.
//
// Each error has a closed category (Kind, which fixes the HTTP status), a stable slug that
// becomes the problem `type` ("urn:ecity:problem:<slug>"), an English title and a Chinese
// detail. The detail must never carry data the caller may not see (no other user's record,
// no SQL, no stack).
#pragma once

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace ecity {

class Error : public std::runtime_error {
 public:
  enum class Kind {
    kInvalid,           // 400: malformed or failing validation
    kUnauthorized,      // 401: no, expired, revoked or forged session
    kForbidden,         // 403: role or data scope does not allow it
    kNotFound,          // 404
    kMethodNotAllowed,  // 405
    kConflict,          // 409: state or uniqueness conflict
    kTooLarge,          // 413
    kLocked,            // 423: account locked
    kTooManyRequests,   // 429: a rate limit; extra "retry_after" (seconds)
    kHeadersTooLarge,   // 431
    kUnavailable,       // 503: not ready, shutting down, database unreachable
    kInternal,          // 500: a bug; detail is generic
  };

  Error(Kind kind, std::string slug, std::string title_en, std::string detail_zh, std::string detail_en = {})
      : std::runtime_error(title_en + ": " + (detail_en.empty() ? detail_zh : detail_en)),
        kind_(kind),
        slug_(std::move(slug)),
        title_(std::move(title_en)),
        detail_zh_(std::move(detail_zh)),
        detail_en_(std::move(detail_en)) {}

  // Named factories. `zh` and `en` are the human detail in each language.
  static Error invalid(std::string slug, std::string zh, std::string en) {
    return Error(Kind::kInvalid, std::move(slug), "Invalid request", std::move(zh), std::move(en));
  }
  static Error unauthorized(std::string zh = "未登录或会话已失效，请重新登录",
                            std::string en = "Not signed in, or the session has expired") {
    return Error(Kind::kUnauthorized, "unauthorized", "Unauthorized", std::move(zh), std::move(en));
  }
  static Error forbidden(std::string zh = "无权执行此操作或访问此数据",
                         std::string en = "You are not allowed to do this or see this data") {
    return Error(Kind::kForbidden, "forbidden", "Forbidden", std::move(zh), std::move(en));
  }
  static Error not_found(std::string zh = "资源不存在", std::string en = "Not found") {
    return Error(Kind::kNotFound, "not-found", "Not found", std::move(zh), std::move(en));
  }
  static Error conflict(std::string slug, std::string zh, std::string en) {
    return Error(Kind::kConflict, std::move(slug), "Conflict", std::move(zh), std::move(en));
  }
  static Error unavailable(std::string zh, std::string en) {
    return Error(Kind::kUnavailable, "unavailable", "Service unavailable", std::move(zh), std::move(en));
  }
  // The caller went over a rate limit; it may try again after `retry_after_s` seconds.
  static Error too_many_requests(long long retry_after_s) {
    return Error(Kind::kTooManyRequests, "too-many-requests", "Too many requests",
                 "请求过于频繁，请 " + std::to_string(retry_after_s) + " 秒后再试",
                 "too many requests; try again in " + std::to_string(retry_after_s) + " s")
        .with("retry_after", retry_after_s);
  }
  static Error internal() {
    return Error(Kind::kInternal, "internal", "Internal server error", "服务器内部错误，请稍后重试",
                 "Internal server error");
  }

  Kind kind() const { return kind_; }
  const std::string& slug() const { return slug_; }
  const std::string& title() const { return title_; }
  const std::string& detail_zh() const { return detail_zh_; }
  const std::string& detail_en() const { return detail_en_.empty() ? detail_zh_ : detail_en_; }
  // Extra members merged into the problem document (e.g. "errors": [{field, message}]).
  nlohmann::json& extra() { return extra_; }
  const nlohmann::json& extra() const { return extra_; }
  Error&& with(const std::string& key, nlohmann::json value) && {
    extra_[key] = std::move(value);
    return std::move(*this);
  }
  // Names the one field at fault: "errors": [{"field": field, "message": message}].
  Error&& on_field(const std::string& field, const std::string& message) && {
    return std::move(*this).with("errors", nlohmann::json::array({{{"field", field}, {"message", message}}}));
  }
  // … with the message in Chinese and English, as Fields (platform/http/fields.h) gives them.
  Error&& on_field(const std::string& field, const std::string& zh, const std::string& en) && {
    return std::move(*this).with("errors",
                                 nlohmann::json::array({{{"field", field}, {"message", zh}, {"message_en", en}}}));
  }

  int status() const;

 private:
  Kind kind_;
  std::string slug_;
  std::string title_;
  std::string detail_zh_;
  std::string detail_en_;
  nlohmann::json extra_ = nlohmann::json::object();
};

inline int Error::status() const {
  switch (kind_) {
    case Kind::kInvalid:
      return 400;
    case Kind::kUnauthorized:
      return 401;
    case Kind::kForbidden:
      return 403;
    case Kind::kNotFound:
      return 404;
    case Kind::kMethodNotAllowed:
      return 405;
    case Kind::kConflict:
      return 409;
    case Kind::kTooLarge:
      return 413;
    case Kind::kLocked:
      return 423;
    case Kind::kTooManyRequests:
      return 429;
    case Kind::kHeadersTooLarge:
      return 431;
    case Kind::kUnavailable:
      return 503;
    case Kind::kInternal:
      return 500;
  }
  return 500;
}

}  // namespace ecity
