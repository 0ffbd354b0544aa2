// cunji_benchgen: builds a large, reproducible marketplace database for the benchmark
// (scripts/bench): counties, villages, farmers and their shops, listings, buyers with live
// sessions, and years of order history. Everything goes through the storage functions the
// server uses (place_order and transition_order included, with an explicit "now" per order),
// so the database has exactly the rows, FTS entries, stock counters and ledger postings real
// traffic would have produced.
//
//   cunji_benchgen --db PATH --seed N [--counties 100] [--villages 1000] [--shops 10000]
//                  [--listings 100000] [--buyers 2000] [--orders 1000000] [--days 730]
//                  [--batch 20000] [--now UNIX_SECONDS] [--out PREFIX]
//
// The rows depend only on the seed and the sizes; timestamps are relative to --now (default:
// the current time): the orders' created_at is spread over the last --days days, the catalog is
// older than the first order. Order popularity is Zipf-like (rank r of a random permutation of
// the orderable listings gets weight 1/r): a few listings get most orders. Statuses follow a
// simple lifecycle: most orders are delivered, some are still placed, paid or shipped, some
// are cancelled (before or after payment); an order's moves happen at increasing times and
// every move is applied in time order across all orders.
//
// --out PREFIX writes, for the benchmark scripts:
//   PREFIX.ids        ids of the active (browsable) listings, one per line
//   PREFIX.orderable  "shop_id listing_id" of active listings with stock (ample: 1-2 million)
//   PREFIX.tokens     bearer tokens of the buyers' sessions, one per line
//   PREFIX.farmer     "shop_id token": a session of the farmer owning the first shop
// Tokens are derived from the seed (bench data only) and their sessions expire in 10 years.
#include "gen_market.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <map>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/catalog.hpp"
#include "core/order.hpp"
#include "gen_options.hpp"
#include "gen_steps.hpp"
#include "market_names.hpp"
#include "server/crypto.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sql/catalog.hpp"
#include "storage/sql/regions.hpp"
#include "storage/sqlite/database.hpp"
#include "tools/bench_fixtures.hpp"

namespace cunji::benchgen {

namespace {

storage::database_options database_options_for(const options& o) {
  if (std::filesystem::exists(o.db))
    throw std::invalid_argument(fmt::format("{} exists; generate into a new file", o.db));
  storage::database_options dbo;
  dbo.path = o.db;
  dbo.synchronous = "NORMAL";  // a bulk load; the benchmark serves it with FULL
  dbo.max_batch = static_cast<std::size_t>(o.batch);
  return dbo;
}

// Bench data: one cheap hash shared by every account (logins work, nobody waits for argon2).
std::string bench_password_hash() {
  server::crypto_init();
  return server::hash_password("cunji-bench-2026", server::password_params{1, 8192});
}

}  // namespace

market_generator::market_generator(const options& o)
    : o_(o), db_(database_options_for(o)), password_hash_(bench_password_hash()), rng_(o.seed), time_(o) {}

void market_generator::run() {
  make_regions();
  make_shops();
  make_listings();
  make_buyers();
  if (o_.orders > 0) make_order_history();
  settle();
  db_.close_writer();
  if (!o_.out.empty()) write_outputs();
  print_summary();
}

// Counties (exactly 30% poverty-stricken, at random) and villages: one command.
void market_generator::make_regions() {
  auto regions = db_.writer().submit_sync([&](storage::connection& c) -> result<region_rows> {
    if (storage::count_counties(c) > 0) return error{errc::conflict, "the database already has counties"};
    tools::tune_for_bulk_load(c);  // journals in memory from the next command on
    std::vector<bool> poverty(static_cast<std::size_t>(o_.counties), false);
    std::fill_n(poverty.begin(), (o_.counties * 3 + 5) / 10, true);
    std::shuffle(poverty.begin(), poverty.end(), rng_);
    region_rows r;
    for (int i = 0; i < o_.counties; ++i)
      r.county_ids.push_back(storage::insert_county(c, place_name(rng_, "县"), pick(rng_, provinces),
                                                    poverty[static_cast<std::size_t>(i)], time_.regions_at)
                                 .id);
    for (int i = 0; i < o_.villages; ++i) {
      // Every county gets a village first, then villages land on counties at random.
      const auto county = i < o_.counties ? r.county_ids[static_cast<std::size_t>(i)] : pick(rng_, r.county_ids);
      auto v = storage::insert_village(c, county, place_name(rng_, "村"), time_.regions_at);
      if (!v) return v.err();
      r.village_ids.push_back(v->id);
    }
    return r;
  });
  if (!regions) throw std::runtime_error("regions: " + regions.err().detail);
  regions_ = std::move(regions.value());
  fmt::print(stderr, "benchgen: {} counties ({} poverty-stricken), {} villages ({:.1f}s)\n", o_.counties,
             (o_.counties * 3 + 5) / 10, o_.villages, elapsed());
}

// Farmers and their shops (shop i is owned by farmer i).
void market_generator::make_shops() {
  shops_.reserve(static_cast<std::size_t>(o_.shops));
  farmers_.reserve(static_cast<std::size_t>(o_.shops));
  for (int from = 0; from < o_.shops; from += rows_per_command) {
    const int to = std::min(o_.shops, from + rows_per_command);
    auto done = db_.writer().submit_sync([&](storage::connection& c) -> result<int> {
      for (int i = from; i < to; ++i)
        if (auto e = add_farmer_shop(c, i)) return *e;
      return to - from;
    });
    if (!done) throw std::runtime_error("shops: " + done.err().detail);
  }
  fmt::print(stderr, "benchgen: {} farmers and shops ({:.1f}s)\n", shops_.size(), elapsed());
}

std::optional<error> market_generator::add_farmer_shop(storage::connection& c, int i) {
  static const std::vector<const char*> shop_suffixes{"农家店", "土特产", "家庭农场", "山货铺",
                                                      "合作社", "果园",   "优选",     "直营店"};
  const auto village = i < o_.villages ? regions_.village_ids[static_cast<std::size_t>(i)]
                                       : pick(rng_, regions_.village_ids);
  const std::string surname = pick(rng_, surnames);
  registration r;
  r.role = role::farmer;
  r.name = surname + pick(rng_, given);
  r.phone = fmt::format("190{:08d}", i + 1);  // the stored form of +86190...
  r.village_id = village;
  auto a = storage::insert_account(c, r, password_hash_, time_.shops_at + i);
  if (!a) return a.err();
  storage::new_shop ns;
  ns.village_id = village;
  ns.name = fmt::format("{}家{}{}", surname, pick(rng_, shop_suffixes), i + 1);
  ns.description = fmt::format("{}经营的网店。", r.name);
  ns.owner_account_id = a->id;
  auto s = storage::insert_shop(c, ns, time_.shops_at + i);
  if (!s) return s.err();
  farmers_.push_back(std::move(a.value()));
  shops_.push_back(std::move(s.value()));
  return std::nullopt;
}

// Listings: Zipf-ish categories (weight 1/rank); every shop gets one, then they land at random.
void market_generator::make_listings() {
  std::vector<double> weights;
  for (std::size_t i = 0; i < category_count(); ++i) weights.push_back(1.0 / static_cast<double>(i + 1));
  std::discrete_distribution<std::size_t> category_dist(weights.begin(), weights.end());
  auto add_listing = [&](storage::connection& c, std::int64_t k64) -> result<int> {
    const int k = static_cast<int>(k64);
    const auto si = k < o_.shops ? static_cast<std::size_t>(k)
                                 : std::uniform_int_distribution<std::size_t>(0, shops_.size() - 1)(rng_);
    auto l = make_listing(rng_, category_dist);
    ++per_category_[l.category];
    if (l.status == listing_status::draft) ++drafts_;
    const auto id = storage::insert_listing(c, shops_[si], l, time_.listing_at(k)).id;
    if (l.status == listing_status::active) {
      active_ids_.push_back(id);
      if (l.stock > 0) can_order_.push_back({si, id});
    }
    return 1;
  };
  for (int from = 0; from < o_.listings; from += rows_per_command)
    run_each(db_, from, std::min(o_.listings, from + rows_per_command), add_listing);
  fmt::print(stderr, "benchgen: {} listings, {} orderable ({:.1f}s)\n", o_.listings, can_order_.size(), elapsed());
}

// Buyers, each with a live session; and a session for the farmer of the first shop.
void market_generator::make_buyers() {
  for (int from = 0; from < o_.buyers || (from == 0 && farmer_token_.empty()); from += rows_per_command) {
    const int to = std::min(o_.buyers, from + rows_per_command);
    auto done = db_.writer().submit_sync([&](storage::connection& c) -> result<int> {
      const auto expires = time_.now + 10 * 365 * day;
      for (int i = from; i < to; ++i) {
        registration r;
        r.role = role::buyer;
        r.name = std::string(pick(rng_, surnames)) + pick(rng_, given);
        r.phone = fmt::format("191{:08d}", i + 1);
        auto a = storage::insert_account(c, r, password_hash_, time_.history_start - day + i);
        if (!a) return a.err();
        auto token = bench_token(rng_);
        storage::insert_session(c, server::hash_token(token), a->id, time_.now, expires);
        buyers_.push_back(std::move(a.value()));
        tokens_.push_back(std::move(token));
      }
      if (from == 0) {
        farmer_token_ = bench_token(rng_);
        storage::insert_session(c, server::hash_token(farmer_token_), farmers_.front().id, time_.now, expires);
      }
      return to - from;
    });
    if (!done) throw std::runtime_error("buyers: " + done.err().detail);
  }
  fmt::print(stderr, "benchgen: {} buyers with sessions ({:.1f}s)\n", buyers_.size(), elapsed());
}

void market_generator::write_outputs() const {
  std::vector<std::string> lines;
  for (const auto id : active_ids_) lines.push_back(std::to_string(id));
  write_lines(o_.out + ".ids", lines);
  lines.clear();
  for (const auto& x : can_order_) lines.push_back(fmt::format("{} {}", shops_[x.shop].id, x.listing_id));
  write_lines(o_.out + ".orderable", lines);
  write_lines(o_.out + ".tokens", tokens_);
  write_lines(o_.out + ".farmer", {fmt::format("{} {}", shops_.front().id, farmer_token_)});
}

void market_generator::print_summary() const {
  std::string mix;
  for (const auto& [cat, n] : per_category_) mix += fmt::format(" {}={}", cat, n);
  std::string statuses;
  for (const auto& [st, n] : per_status_) statuses += fmt::format(" {}={}", to_string(st), n);
  fmt::print(
      "generated {} counties, {} villages, {} shops, {} listings ({} drafts), {} buyers, {} orders in {:.1f}s "
      "into {}\ncategories:{}\norder statuses:{}\norders: {:.1f}s, {:.0f} orders/s (place_order and "
      "transition_order, one writer command per order, transactions of up to {} commands)\n",
      o_.counties, o_.villages, shops_.size(), o_.listings, drafts_, buyers_.size(), o_.orders, elapsed(), o_.db, mix,
      statuses, orders_s_, orders_s_ > 0 ? static_cast<double>(o_.orders) / orders_s_ : 0.0, o_.batch);
}

}  // namespace cunji::benchgen

int main(int argc, char** argv) {
  try {
    const auto o = cunji::benchgen::parse(argc, argv);
    cunji::benchgen::market_generator(o).run();
    return 0;
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "cunji_benchgen: {}\n{}", e.what(), cunji::benchgen::usage);
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "cunji_benchgen: {}\n", e.what());
    return 1;
  }
}
