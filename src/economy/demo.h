// The economy part of the demo district: the headline indicators of 2021 and 2022, monthly and
// quarterly, for the reference district (峄城区), its peers in the prefecture and, for budget
// revenue, industrial electricity and fixed-asset investment, its towns. The district's
// January–September 2022 figures are the published ones (GDP 138.74亿元 +4.5%, budget revenue
// 9.24亿元 +1.4%, industrial value added +10.8%, technical renovation investment +60.8%,
// industrial electricity +13.8%, foreign capital 7,791万美元 +180.7%); the other months, the
// peers and the towns are illustrative, generated so that every current-price growth agrees with
// its totals. Idempotent: figures present are left alone.
//
// Thread-safety: call once, from the command line.
#pragma once

#include "economy/values.h"

namespace ecity::economy {

// Figures written now (0 when all were present).
int load_demo_figures(FigureService& figures);

}  // namespace ecity::economy
