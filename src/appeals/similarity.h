// How alike two appeals are: text similarity on character bigrams (Chinese has no spaces, so
// words are not the unit; two adjacent characters are) and the distance between two points.
#pragma once

#include <string_view>

namespace ecity::appeals {

// The Dice coefficient of the sets of character bigrams of `a` and `b`: 2·|A∩B| / (|A|+|B|),
// in [0, 1]. Characters are Unicode code points; whitespace, ASCII punctuation and the common
// CJK punctuation (，。、；：？！“”‘’（）【】《》…—) are dropped first, and ASCII letters are
// folded to lower case. A text with fewer than two characters left has no bigrams: the result
// is 1 if both texts reduce to the same (possibly empty) string, else 0. Malformed UTF-8 bytes
// count as one character each.
double bigram_similarity(std::string_view a, std::string_view b);

// Great-circle distance in metres between two WGS84 points (degrees), on a sphere of the
// mean Earth radius (6,371,008.8 m): within 0.5 % of the ellipsoid, plenty for "within 200 m".
double distance_m(double lng1, double lat1, double lng2, double lat2);

}  // namespace ecity::appeals
