#include "tools/seed_demo.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <ctime>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/account.hpp"
#include "core/catalog.hpp"
#include "server/crypto.hpp"
#include "storage/sql/accounts.hpp"
#include "storage/sql/catalog.hpp"
#include "storage/sql/regions.hpp"
#include "storage/sqlite/database.hpp"
#include "tools/demo_market.hpp"

namespace cunji::tools {

namespace {

constexpr const char* demo_password = "cunji-demo-2026";
constexpr int target_shops = 200;
constexpr int target_listings = 2000;
constexpr int english_every = 64;  // listing k with k % 64 == 37 is an English one

// Every draw goes through this generator, in a fixed order: the same data every time.
class dice {
 public:
  template <class T>
  const T& pick(const std::vector<T>& v) {
    return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng_)];
  }
  int uniform(int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng_); }
  std::int64_t uniform64(std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng_);
  }
  bool chance(double p) { return std::bernoulli_distribution(p)(rng_); }
  template <class Distribution>
  auto draw(Distribution& dist) {
    return dist(rng_);
  }

 private:
  std::mt19937_64 rng_{20180101};
};

struct person {
  std::string name;
  std::string family;  // what a shop is named after: the surname of a Han name, else the name
};

person person_name(dice& d, const name_lists& n, name_style style) {
  if (style == name_style::kazakh && d.chance(0.7)) {
    const auto& given = d.pick(n.kazakh_given);
    return {given + "·" + d.pick(n.kazakh_family), given};
  }
  if (style == name_style::mongol && d.chance(0.6)) {
    const auto& name = d.pick(n.mongol);
    return {name, name};
  }
  const auto& family = d.pick(n.han_surnames);
  return {family + d.pick(n.han_given), family};
}

// Shop prices: to the jiao when cheap, else 39.90, 58.00, 128.80 and the like.
std::int64_t price_in(dice& d, const pack& p) {
  std::int64_t fen = d.uniform64(p.min_fen, p.max_fen);
  if (p.max_fen < 2000) return std::max<std::int64_t>(p.min_fen, fen / 10 * 10);
  static const std::vector<std::int64_t> endings{0, 0, 80, 90, 90, 50};
  fen = fen / 100 * 100 + d.pick(endings);
  return std::clamp(fen, p.min_fen, p.max_fen);
}

std::int64_t stock_level(dice& d) {
  if (d.chance(0.03)) return 0;
  if (d.chance(0.8)) return d.uniform(5, 500);
  return d.uniform(500, 5000);
}

struct shop_plan {
  shop s;
  const demo_county* county = nullptr;
  std::string village;
  std::vector<const product*> focus;  // 2-4 products; the first names the shop
};

// The county's speciality first, then its products by weight or, now and then, common produce.
std::vector<const product*> shop_focus(dice& d, const demo_market& m, const demo_county& dc) {
  std::vector<int> weights;
  for (const auto& p : dc.produce) weights.push_back(p.weight);
  std::discrete_distribution<std::size_t> by_weight(weights.begin(), weights.end());
  std::vector<const product*> out{&dc.produce.front()};
  const int n = d.uniform(2, 4);
  while (static_cast<int>(out.size()) < n) {
    const product* p = d.chance(0.75) ? &dc.produce[d.draw(by_weight)] : &d.pick(m.common_produce);
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

storage::new_listing chinese_listing(dice& d, const demo_market& m, const shop_plan& sp) {
  const auto focus_index = [&] {
    return static_cast<std::size_t>(d.uniform(0, static_cast<int>(sp.focus.size()) - 1));
  };
  const product* prod = d.chance(0.85) ? sp.focus[focus_index()] : &d.pick(m.common_produce);
  const auto& pk = d.pick(prod->packs);
  std::string title;
  if (d.chance(0.6)) {
    // No "手工手工布鞋": an adjective the name already says is left out.
    const auto& adj = d.pick(m.adjectives_for(prod->category));
    const bool repeats = prod->name.find(adj) != std::string::npos ||
                         (adj.find("手工") != std::string::npos && prod->name.find("手工") != std::string::npos);
    if (!repeats) title += adj;
  }
  title += prod->name;
  if (!pk.label.empty()) title += " " + pk.label;
  if (d.chance(0.08)) title += " 包邮";
  storage::new_listing l;
  l.title = std::move(title);
  l.description = fmt::format("{}，{}{}农户直供。", prod->blurb, sp.county->name, sp.village);
  l.category = prod->category;
  l.unit = pk.unit;
  l.price_fen = price_in(d, pk);
  l.stock = stock_level(d);
  l.status = d.chance(0.05) ? listing_status::draft : listing_status::active;
  return l;
}

storage::new_listing english(dice& d, const english_listing& en) {
  storage::new_listing l;
  l.title = en.title;
  l.description = en.description;
  l.category = en.category;
  l.unit = en.price.unit;
  l.price_fen = price_in(d, en.price);
  l.stock = stock_level(d);
  return l;
}

struct seeded {
  int counties = 0, villages = 0, partners = 0, farmers = 0, villagers = 0, shops = 0, listings = 0, drafts = 0;
};

struct village_row {
  village v;
  const demo_county* county;
};

// Everything a seed run shares: the data, the dice, the connection, the counters.
struct seeder {
  const demo_market& m;
  storage::connection& c;
  const std::string& password_hash;
  unix_seconds now;
  dice d;
  seeded n;
  std::vector<village_row> villages;
  std::vector<shop_plan> shops;
  int phone_seq = 0;
  int villager_phone_seq = 0;

  template <class T>
  T must(result<T> r, const char* what) {
    if (!r) throw std::runtime_error(fmt::format("{} insert failed: {}", what, r.err().detail));
    return std::move(r).value();
  }

  void regions() {
    for (const auto& dc : m.counties) {
      const auto county = storage::insert_county(c, dc.name, dc.province, dc.poverty, now);
      ++n.counties;
      for (const auto& name : dc.villages) {
        villages.push_back({must(storage::insert_village(c, county.id, name, now), "village"), &dc});
        ++n.villages;
      }
    }
  }

  account new_account(role r, const std::string& name, std::int64_t village_id) {
    registration reg;
    reg.role = r;
    reg.name = name;
    // Stored in the one form (core normalize_phone); signing in as +86170... works too.
    reg.phone = fmt::format("170{:08d}", ++phone_seq);
    reg.village_id = village_id;
    auto a = must(storage::insert_account(c, reg, password_hash, now), r == role::partner ? "partner" : "farmer");
    ++(r == role::partner ? n.partners : n.farmers);
    return a;
  }

  void add_shop(const village_row& vr, shop_plan sp, const storage::new_shop& ns) {
    sp.s = must(storage::insert_shop(c, ns, now), "shop");
    sp.county = vr.county;
    sp.village = vr.v.name;
    shops.push_back(std::move(sp));
  }

  // A partner per village: its villagers, and a shop it runs for one of them.
  void partner_shop(const village_row& vr) {
    const auto& dc = *vr.county;
    const auto partner = new_account(role::partner, person_name(d, m.names, dc.people).name, vr.v.id);
    std::vector<villager> vs;
    const int count = d.uniform(2, 3);
    for (int i = 0; i < count; ++i) {
      std::optional<std::string> phone;
      if (d.chance(0.6)) phone = fmt::format("171{:08d}", ++villager_phone_seq);
      vs.push_back(
          storage::insert_villager(c, vr.v.id, person_name(d, m.names, dc.people).name, phone, partner.id, now));
      ++n.villagers;
    }
    const auto& seller = d.pick(vs);
    shop_plan sp;
    sp.focus = shop_focus(d, m, dc);
    storage::new_shop ns;
    ns.village_id = vr.v.id;
    ns.name = fmt::format("{}服务站代售·{}", vr.v.name, seller.name);
    ns.description = fmt::format("{}{}村级服务站代{}经营，主营{}等农产品。", dc.name, vr.v.name, seller.name,
                                 sp.focus.front()->name);
    ns.villager_id = seller.id;
    ns.partner_id = partner.id;
    add_shop(vr, std::move(sp), ns);
  }

  // A farmer with a shop of its own.
  void farmer_shop(const village_row& vr) {
    const auto& dc = *vr.county;
    const auto who = person_name(d, m.names, dc.people);
    const auto farmer = new_account(role::farmer, who.name, vr.v.id);
    shop_plan sp;
    sp.focus = shop_focus(d, m, dc);
    storage::new_shop ns;
    ns.village_id = vr.v.id;
    ns.name = fmt::format(fmt::runtime(d.pick(m.farmer_shop_names)), who.family, vr.v.name, sp.focus.front()->name);
    std::string lines;
    for (const auto* p : sp.focus) lines += (lines.empty() ? "" : "、") + p->name;
    ns.description = fmt::format("{}{}{}的网店，主营{}。", dc.name, vr.v.name, who.name, lines);
    ns.owner_account_id = farmer.id;
    add_shop(vr, std::move(sp), ns);
  }

  // Farmers' shops go round the villages three times, then to random villages.
  void all_shops() {
    for (const auto& vr : villages) partner_shop(vr);
    for (std::size_t i = 0; static_cast<int>(shops.size()) < target_shops; ++i)
      farmer_shop(i < villages.size() * 3 ? villages[i % villages.size()] : d.pick(villages));
    n.shops = static_cast<int>(shops.size());
  }

  const shop_plan* shop_in(const std::string& county) {
    std::vector<const shop_plan*> in;
    for (const auto& sp : shops)
      if (sp.county->name == county) in.push_back(&sp);
    return in.empty() ? nullptr : d.pick(in);
  }

  // Every shop gets one listing first, then shops are drawn at random.
  void listings() {
    std::size_t english_next = 0;
    for (int k = 0; k < target_listings; ++k) {
      const shop_plan* sp = k < n.shops ? &shops[static_cast<std::size_t>(k)] : &d.pick(shops);
      storage::new_listing l;
      if (k % english_every == 37) {
        const auto& en = m.english_listings[english_next++ % m.english_listings.size()];
        if (!en.county.empty())
          if (const auto* in = shop_in(en.county)) sp = in;
        l = english(d, en);
      } else {
        l = chinese_listing(d, m, *sp);
      }
      if (l.status == listing_status::draft) ++n.drafts;
      storage::insert_listing(c, sp->s, l, now);
      ++n.listings;
    }
  }
};

result<seeded> seed(const demo_market& m, storage::connection& c, const std::string& password_hash, unix_seconds now) {
  if (storage::count_counties(c) > 0) return error{errc::conflict, "the database already has counties"};
  seeder s{m, c, password_hash, now, {}, {}, {}, {}, 0, 0};
  try {
    s.regions();
    s.all_shops();
    s.listings();
  } catch (const std::runtime_error& e) {
    return error{errc::conflict, e.what()};
  }
  return s.n;
}

}  // namespace

std::string seed_demo(const std::string& path) {
  const auto& market = embedded_demo_market();
  server::crypto_init();
  // Hashed once, at the server's cost, and shared by every demo account.
  const auto password_hash = server::hash_password(demo_password, server::password_params{});
  storage::database_options o;
  o.path = path;
  storage::database db(o);
  const auto now = static_cast<unix_seconds>(std::time(nullptr));
  auto res = db.writer().submit_sync(
      [&](storage::connection& c) -> result<seeded> { return seed(market, c, password_hash, now); });
  if (!res) throw std::runtime_error("seed-demo: " + res.err().detail);
  const auto& n = res.value();
  return fmt::format(
      "seeded {} counties, {} villages, {} partners, {} farmers, {} villagers, {} shops, {} listings ({} drafts); "
      "demo accounts +8617000000001..+86170{:08d} (partners first); demo password: {}",
      n.counties, n.villages, n.partners, n.farmers, n.villagers, n.shops, n.listings, n.drafts, n.partners + n.farmers,
      demo_password);
}

}  // namespace cunji::tools
