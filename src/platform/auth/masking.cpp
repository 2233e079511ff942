#include "platform/auth/masking.h"

namespace ecity::platform {

std::string mask_phone(const std::string& phone) {
  if (phone.empty()) return phone;
  if (phone.size() >= 11) return phone.substr(0, 3) + std::string(phone.size() - 7, '*') + phone.substr(phone.size() - 4);
  if (phone.size() <= 2) return std::string(phone.size(), '*');
  return std::string(phone.size() - 2, '*') + phone.substr(phone.size() - 2);
}

std::string mask_id_card(const std::string& id) {
  if (id.empty()) return id;
  if (id.size() >= 15) return id.substr(0, 6) + std::string(id.size() - 10, '*') + id.substr(id.size() - 4);
  return std::string(id.size(), '*');
}

}  // namespace ecity::platform
