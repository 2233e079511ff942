// Password hashing (argon2id through libsodium's crypto_pwhash_str) and the password policy.
// Thread-safety: all functions are safe from any thread. Hashing is deliberately slow
// (tens of milliseconds): call it on a worker thread, never on an I/O thread.
#pragma once

#include <string>

namespace ecity::platform {

struct PasswordCost {
  int ops = 2;
  int mem_kib = 19456;
};

// Returns an encoded "$argon2id$v=19$m=…,t=…,p=1$salt$hash" string with a fresh salt.
// Throws Error (internal) if libsodium cannot allocate the memory.
std::string hash_password(const std::string& password, PasswordCost cost);
// True if `password` matches `encoded`. A malformed `encoded` is a mismatch, not an error.
bool verify_password(const std::string& encoded, const std::string& password);
// Throws Error (invalid "weak-password") unless `password` has at least 8 characters from
// at least 3 of: lower case, upper case, digits, symbols; at most 128 characters.
void check_password_policy(const std::string& password);

}  // namespace ecity::platform
