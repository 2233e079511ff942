#include "platform/auth/password.h"

#include "platform/error.h"
#include "platform/http/fields.h"

#include <sodium.h>

#include <cctype>
#include <stdexcept>

namespace ecity::platform {

namespace {
struct SodiumInit {
  SodiumInit() {
    if (sodium_init() < 0) throw std::runtime_error("libsodium failed to initialise");
  }
};
void ensure_sodium() { static SodiumInit once; }
}  // namespace

std::string hash_password(const std::string& password, PasswordCost cost) {
  ensure_sodium();
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), static_cast<unsigned long long>(cost.ops),
                            static_cast<std::size_t>(cost.mem_kib) * 1024, crypto_pwhash_ALG_ARGON2ID13) != 0)
    throw Error::internal();
  return out;
}

bool verify_password(const std::string& encoded, const std::string& password) {
  ensure_sodium();
  if (encoded.empty() || encoded.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(encoded.c_str(), password.data(), password.size()) == 0;
}

void check_password_policy(const std::string& password) {
  std::size_t len = utf8_length(password);
  int lower = 0, upper = 0, digit = 0, other = 0;
  for (unsigned char c : password) {
    if (std::islower(c)) lower = 1;
    else if (std::isupper(c)) upper = 1;
    else if (std::isdigit(c)) digit = 1;
    else other = 1;
  }
  if (len < 8 || len > 128 || lower + upper + digit + other < 3)
    throw Error::invalid("weak-password", "密码至少 8 位，且包含大写字母、小写字母、数字、符号中的至少三类",
                         "the password needs at least 8 characters from at least 3 of: lower case, upper case, "
                         "digits, symbols")
        .on_field("password", "密码强度不足");
}

}  // namespace ecity::platform
