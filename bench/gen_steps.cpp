// The output files of cunji_benchgen (bench/gen_steps.hpp).
#include "gen_steps.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace cunji::benchgen {

void write_lines(const std::string& path, const std::vector<std::string>& lines) {
  std::FILE* f = std::fopen(path.c_str(), "w");
  if (!f) throw std::runtime_error("cannot write " + path);
  for (const auto& l : lines) fmt::print(f, "{}\n", l);
  if (std::fclose(f) != 0) throw std::runtime_error("cannot write " + path);
}

}  // namespace cunji::benchgen
