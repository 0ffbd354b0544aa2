#pragma once
#include <string>

namespace cunji::tools {

// Fills the database at `path` with the demo market (tools/demo_market.hpp): its counties and
// villages, a partner per village with villagers and a shop it runs for one of them, farmers
// with shops of their own (200 shops in all) and 2,000 listings, every account with the demo
// password. The same rows every time but for timestamps and password salts. Returns a one-line
// summary. Refuses a database that has counties.
std::string seed_demo(const std::string& path);

}  // namespace cunji::tools
