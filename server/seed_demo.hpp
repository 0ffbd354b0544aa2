#pragma once
#include <string>

namespace cunji::server {

// Fills the database at `path` with demo data built from public facts about rural
// e-commerce in China. Returns a one-line summary. Refuses a database that has counties.
std::string seed_demo(const std::string& path);

}  // namespace cunji::server
