#include "platform/auth/masking.h"

#include "platform/auth/password.h"
#include "platform/auth/principal.h"
#include "platform/error.h"

#include <gtest/gtest.h>

namespace ecity::platform {
namespace {

TEST(Masking, PhoneAndIdCard) {
  EXPECT_EQ(mask_phone("13812341234"), "138****1234");
  EXPECT_EQ(mask_phone("0632-7712345"), "063*****2345");
  EXPECT_EQ(mask_phone("12"), "**");
  EXPECT_EQ(mask_phone(""), "");
  EXPECT_EQ(mask_id_card("370404199001011234"), "370404********1234");
  EXPECT_EQ(mask_id_card("37040419900101X"), "370404*****101X");
  EXPECT_EQ(mask_id_card("123"), "***");
}

TEST(PasswordPolicy, EightCharactersFromThreeClasses) {
  EXPECT_NO_THROW(check_password_policy("Abcdefg1"));
  EXPECT_NO_THROW(check_password_policy("abc#efg1"));
  EXPECT_NO_THROW(check_password_policy("峄城Abc12!"));
  EXPECT_THROW(check_password_policy("Abcde1!"), Error);    // 7 characters
  EXPECT_THROW(check_password_policy("abcdefgh1"), Error);  // two classes
  EXPECT_THROW(check_password_policy(""), Error);
  EXPECT_THROW(check_password_policy(std::string(129, 'a') + "A1"), Error);
}

TEST(Password, Argon2idRoundTrip) {
  PasswordCost cheap{1, 8192};
  auto h = hash_password("Pw#12345x", cheap);
  EXPECT_EQ(h.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(verify_password(h, "Pw#12345x"));
  EXPECT_FALSE(verify_password(h, "Pw#12345y"));
  EXPECT_FALSE(verify_password("garbage", "Pw#12345x"));
  EXPECT_FALSE(verify_password("", ""));
  EXPECT_NE(hash_password("Pw#12345x", cheap), h);  // fresh salt
}

TEST(Principal, WidestScopeAndPermissions) {
  Principal p;
  EXPECT_EQ(p.widest_scope(), DataScope::kSelf);
  p.scopes = {DataScope::kSelf, DataScope::kRegion};
  EXPECT_EQ(p.widest_scope(), DataScope::kRegion);
  EXPECT_FALSE(p.sees_all());
  p.permissions = {"user:read"};
  EXPECT_TRUE(p.can("user:read"));
  EXPECT_FALSE(p.can("user:write"));
  EXPECT_EQ(data_scope_from("department"), DataScope::kDepartment);
  EXPECT_FALSE(data_scope_from("everything"));
}

}  // namespace
}  // namespace ecity::platform
