// Masking of personal data (PIPL): shown in full only to callers with `pii:read`.
#pragma once

#include <string>

namespace ecity::platform {

// "13812341234" → "138****1234"; shorter numbers keep their last 2 characters.
std::string mask_phone(const std::string& phone);
// "370404199001011234" → "370404********1234".
std::string mask_id_card(const std::string& id);

}  // namespace ecity::platform
