#pragma once
// The marketplace generator of cunji_benchgen (bench/gen_market.cpp).
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/catalog.hpp"
#include "core/error.hpp"
#include "core/order.hpp"
#include "gen_options.hpp"
#include "gen_steps.hpp"
#include "storage/sqlite/database.hpp"

namespace cunji::benchgen {

// Generates the marketplace, one step per kind of row in timeline order. Every step draws from
// the one generator in a fixed order, so the rows depend only on the seed and the sizes.
class market_generator {
 public:
  explicit market_generator(const options& o);

  void run();

 private:
  class order_history;

  double elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0_).count(); }

  // The steps, in the order run() takes them (bench/gen_market.cpp; the order history and its
  // settling: bench/gen_orders.cpp).
  void make_regions();
  void make_shops();
  std::optional<error> add_farmer_shop(storage::connection& c, int i);
  void make_listings();
  void make_buyers();
  void make_order_history();
  void settle();
  void write_outputs() const;
  void print_summary() const;

  const options& o_;
  const std::chrono::steady_clock::time_point t0_ = std::chrono::steady_clock::now();
  storage::database db_;
  const std::string password_hash_;
  std::mt19937_64 rng_;
  const timeline time_;

  region_rows regions_;
  std::vector<shop> shops_;
  std::vector<account> farmers_;
  std::map<std::string, int> per_category_;
  int drafts_ = 0;
  std::vector<std::int64_t> active_ids_;
  std::vector<orderable> can_order_;
  std::vector<account> buyers_;
  std::vector<std::string> tokens_;
  std::string farmer_token_;
  std::map<order_status, std::int64_t> per_status_;
  double orders_s_ = 0;
};

}  // namespace cunji::benchgen
