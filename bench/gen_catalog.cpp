// cunji_benchgen: builds a large, reproducible catalog database for the catalog benchmark
// (scripts/bench). Everything goes through the storage functions the server uses, so the
// database has exactly the rows, FTS entries and counters real traffic would produce.
//
//   cunji_benchgen --db PATH --seed N [--counties 100] [--villages 1000] [--shops 10000]
//                  [--listings 100000] [--ids FILE]
//
// --ids writes the ids of the active (browsable) listings, one per line, for benchmark
// scripts that fetch listings by id (drafts answer 404 to anonymous callers).
#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <random>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "core/account.hpp"
#include "core/catalog.hpp"
#include "server/crypto.hpp"
#include "storage/accounts.hpp"
#include "storage/catalog.hpp"
#include "storage/database.hpp"
#include "storage/regions.hpp"

namespace {

using namespace cunji;

// --- produce names -------------------------------------------------------------------------

struct produce {
  const char* zh;
  const char* en;
};

struct size_option {
  const char* zh;  // appended to a Chinese title
  const char* en;  // appended to an English title
  const char* unit;
};

struct category_table {
  const char* category;
  std::vector<produce> items;
  std::vector<size_option> sizes;
  std::vector<const char*> adjectives_zh;
  std::vector<const char*> adjectives_en;
};

// In Zipf rank order: the first category is the most common.
const std::vector<category_table>& tables() {
  static const std::vector<category_table> t{
      {"fruit",
       {{"红富士苹果", "Fuji Apples"}, {"奉节脐橙", "Fengjie Navel Oranges"}, {"巫山脆李", "Wushan Crisp Plums"},
        {"平和琯溪蜜柚", "Guanxi Honey Pomelo"}, {"金寨猕猴桃", "Jinzhai Kiwifruit"}, {"赣南脐橙", "Gannan Navel Oranges"},
        {"阿克苏苹果", "Aksu Apples"}, {"哈密瓜", "Hami Melon"}, {"砂糖橘", "Shatang Mandarins"},
        {"库尔勒香梨", "Korla Fragrant Pears"}, {"云阳红橙", "Yunyang Red Oranges"}, {"水蜜桃", "Honey Peaches"},
        {"红心火龙果", "Red Dragon Fruit"}, {"葡萄", "Grapes"}},
       {{"5斤装", "5 jin", "box"}, {"10斤礼盒", "10 jin gift box", "box"}, {"", "", "jin"}, {"3kg", "3kg", "box"},
        {"", "", "kg"}},
       {"新鲜", "现摘", "当季", "产地直发", "农家", "正宗"},
       {"Fresh", "Farm", "Seasonal", "Premium"}},
      {"vegetable",
       {{"土豆", "Potatoes"}, {"城口洋芋", "Chengkou Potatoes"}, {"红薯", "Sweet Potatoes"}, {"大白菜", "Napa Cabbage"},
        {"甜玉米", "Sweet Corn"}, {"彭水魔芋", "Pengshui Konjac"}, {"高山萝卜", "Mountain Radish"},
        {"竹笋", "Bamboo Shoots"}, {"黄水莼菜", "Water Shield"}, {"山药", "Chinese Yam"}, {"生姜", "Ginger"}},
       {{"", "", "jin"}, {"5斤", "5 jin", "bag"}, {"10斤", "10 jin", "bag"}, {"", "", "kg"}},
       {"新鲜", "农家", "现挖", "高山", "产地直发"},
       {"Fresh", "Farm", "Mountain"}},
      {"grain",
       {{"吉木乃面粉", "Jeminay Wheat Flour"}, {"高筋面粉", "Bread Flour"}, {"石磨全麦面粉", "Stone-Ground Flour"},
        {"元阳梯田红米", "Hani Red Rice"}, {"五常大米", "Wuchang Rice"}, {"兴安盟大米", "Hinggan Rice"},
        {"小米", "Foxtail Millet"}, {"花田贡米", "Huatian Tribute Rice"}, {"荞麦面", "Buckwheat Noodles"},
        {"玉米糁", "Corn Grits"}},
       {{"25kg", "25kg", "bag"}, {"10kg", "10kg", "bag"}, {"5kg", "5kg", "bag"}, {"", "", "kg"}, {"", "", "jin"}},
       {"农家", "新磨", "正宗", "当季新"},
       {"Organic", "Stone-Milled", "Farm"}},
      {"meat",
       {{"城口老腊肉", "Chengkou Smoked Pork"}, {"土猪腊肠", "Farm Pork Sausage"}, {"科尔沁牛肉干", "Horqin Beef Jerky"},
        {"草原羔羊肉", "Grassland Lamb"}, {"黑毛猪五花肉", "Black Pig Pork Belly"}, {"风干牦牛肉", "Dried Yak Meat"},
        {"丰都麻辣鸡块", "Fengdu Spicy Chicken"}},
       {{"1斤", "1 jin", "jin"}, {"2斤装", "2 jin", "box"}, {"500g", "500g", "bag"}, {"", "", "kg"}},
       {"农家", "手工", "柴火熏", "正宗"},
       {"Smoked", "Farm", "Handmade"}},
      {"poultry_eggs",
       {{"土鸡蛋", "Free-range Eggs"}, {"秀山土鸡蛋", "Xiushan Free-range Eggs"}, {"梯田鸭蛋", "Terrace Duck Eggs"},
        {"城口山地鸡", "Mountain Chicken"}, {"咸鸭蛋", "Salted Duck Eggs"}, {"乌鸡蛋", "Silkie Eggs"}},
       {{"30枚", "30 count", "box"}, {"", "", "dozen"}, {"整只", "whole", "piece"}, {"60枚", "60 count", "box"}},
       {"散养", "农家", "新鲜", "林下"},
       {"Free-range", "Farm", "Fresh"}},
      {"tea",
       {{"云南普洱茶", "Yunnan Pu'er Tea"}, {"雷山银球茶", "Leishan Silver Ball Tea"}, {"六安瓜片", "Lu'an Melon Seed Tea"},
        {"秀山毛尖", "Xiushan Maojian Tea"}, {"高山茶叶", "Mountain Tea Leaves"}, {"白芽奇兰", "Baiya Qilan Oolong"},
        {"散装茶叶", "Loose Tea Leaves"}, {"云阳菊花茶", "Chrysanthemum Tea"}},
       {{"357g饼", "357g cake", "piece"}, {"250g", "250g", "box"}, {"500g礼盒", "500g gift box", "box"}},
       {"高山", "明前", "特级", "一级", "手工"},
       {"Premium", "Spring", "Organic"}},
      {"nuts_dried",
       {{"核桃", "Walnuts"}, {"板栗", "Chestnuts"}, {"葵花籽", "Sunflower Seeds"}, {"长白山松子", "Pine Nuts"},
        {"干辣椒", "Dried Chili"}, {"红枣", "Red Dates"}, {"花椒", "Sichuan Pepper"}, {"葡萄干", "Raisins"}},
       {{"500g", "500g", "bag"}, {"1kg", "1kg", "bag"}, {"", "", "jin"}},
       {"农家", "新货", "原味"},
       {"Natural", "New Crop"}},
      {"honey",
       {{"土蜂蜜", "Wildflower Honey"}, {"石柱黄连蜂蜜", "Shizhu Coptis Honey"}, {"阿勒泰黑蜂蜂蜜", "Altay Black Bee Honey"},
        {"槐花蜜", "Acacia Honey"}, {"枣花蜜", "Jujube Honey"}, {"百花蜜", "Multiflower Honey"}},
       {{"500g", "500g", "piece"}, {"1kg", "1kg", "piece"}, {"2斤礼盒", "2 jin gift box", "box"}},
       {"野生", "农家", "纯正", "天然"},
       {"Raw", "Pure", "Mountain"}},
      {"mushroom",
       {{"汪清黑木耳", "Wangqing Black Fungus"}, {"香菇", "Shiitake"}, {"羊肚菌", "Morels"}, {"榛蘑", "Hazel Mushrooms"},
        {"银耳", "Snow Fungus"}, {"鸡枞菌", "Termite Mushrooms"}, {"茶树菇", "Tea Tree Mushrooms"}},
       {{"250g", "250g", "bag"}, {"500g", "500g", "bag"}, {"", "", "jin"}},
       {"精选", "干货", "农家", "肉厚"},
       {"Dried", "Wild", "Premium"}},
      {"aquatic",
       {{"稻花鱼", "Rice-field Carp"}, {"鲫鱼", "Crucian Carp"}, {"小龙虾", "Crayfish"}, {"大闸蟹", "Hairy Crab"},
        {"黄辣丁", "Yellow Catfish"}},
       {{"", "", "jin"}, {"2斤装", "2 jin", "box"}, {"", "", "kg"}},
       {"鲜活", "生态", "稻田"},
       {"Live", "Fresh"}},
      {"other",
       {{"石柱黄连", "Coptis Root"}, {"宕昌党参", "Tanchang Codonopsis"}, {"彭水苕粉", "Sweet Potato Noodles"},
        {"酉阳茶油", "Camellia Oil"}, {"农家辣椒酱", "Chili Sauce"}, {"金寨天麻", "Gastrodia Tuber"}},
       {{"500g", "500g", "bag"}, {"", "", "jin"}, {"1L", "1L", "piece"}},
       {"农家", "正宗", "特产"},
       {"Traditional", "Farm"}},
      {"handicraft",
       {{"苗族银饰手镯", "Miao Silver Bracelet"}, {"苗绣挂画", "Miao Embroidery"}, {"竹编菜篮", "Bamboo Basket"},
        {"手工布鞋", "Cloth Shoes"}, {"土家西兰卡普", "Tujia Brocade"}},
       {{"", "", "piece"}},
       {"纯手工", "传统"},
       {"Handmade", "Traditional"}},
  };
  return t;
}

// --- regions and people ----------------------------------------------------------------------

const std::vector<const char*> provinces{"重庆市",   "云南省",   "甘肃省", "新疆维吾尔自治区", "内蒙古自治区",
                                         "安徽省",   "福建省",   "吉林省", "贵州省",           "四川省",
                                         "湖南省",   "江西省",   "陕西省", "广西壮族自治区",   "河南省"};
const std::vector<const char*> place_chars{"青", "石", "云", "安", "平", "宁", "兴", "和", "丰", "泉", "龙", "凤",
                                           "梅", "桃", "竹", "松", "溪", "河", "山", "岭", "坪", "坝", "湾", "田",
                                           "花", "金", "银", "白", "红", "黄", "柳", "杨", "新", "东", "西", "南",
                                           "北", "中", "上", "下", "长", "高", "永", "太", "广", "乐", "福", "康"};
const std::vector<const char*> surnames{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
                                        "马", "胡", "郭", "何", "罗", "谢", "唐", "冉", "向", "田", "彭", "龙"};
const std::vector<const char*> given{"建国", "秀英", "桂兰", "志强", "春花", "德华", "玉梅", "春生", "国平", "丽娟",
                                     "大山", "明",   "芳",   "勇",   "静",   "伟",   "秀兰", "金花", "永福", "海燕"};

template <class T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}
bool chance(std::mt19937_64& rng, double p) { return std::bernoulli_distribution(p)(rng); }

std::string place_name(std::mt19937_64& rng, const char* suffix) {
  return std::string(pick(rng, place_chars)) + pick(rng, place_chars) + suffix;
}

// --- options -------------------------------------------------------------------------------

struct options {
  std::string db;
  std::uint64_t seed = 1;
  int counties = 100;
  int villages = 1000;
  int shops = 10000;
  int listings = 100000;
  std::string ids;
};

constexpr std::string_view usage =
    "usage: cunji_benchgen --db PATH --seed N [--counties 100] [--villages 1000] [--shops 10000] "
    "[--listings 100000] [--ids FILE]\n";

template <class T>
T number(std::string_view flag, std::string_view s) {
  T v{};
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  bool negative = false;
  if constexpr (std::is_signed_v<T>) negative = v < 0;
  if (ec != std::errc{} || p != s.data() + s.size() || negative)
    throw std::invalid_argument(fmt::format("{} needs a non-negative number", flag));
  return v;
}

options parse(int argc, char** argv) {
  options o;
  bool have_seed = false;
  for (int i = 1; i < argc; ++i) {
    const std::string_view f = argv[i];
    if (i + 1 >= argc) throw std::invalid_argument(fmt::format("{} needs a value", f));
    const std::string_view v = argv[++i];
    if (f == "--db") o.db = v;
    else if (f == "--seed") {
      o.seed = number<std::uint64_t>(f, v);
      have_seed = true;
    }
    else if (f == "--counties") o.counties = number<int>(f, v);
    else if (f == "--villages") o.villages = number<int>(f, v);
    else if (f == "--shops") o.shops = number<int>(f, v);
    else if (f == "--listings") o.listings = number<int>(f, v);
    else if (f == "--ids") o.ids = v;
    else throw std::invalid_argument(fmt::format("unknown option {}", f));
  }
  if (o.db.empty() || !have_seed) throw std::invalid_argument("--db and --seed are required");
  if (o.counties < 1 || o.villages < o.counties || o.shops < 1 || o.listings < 0)
    throw std::invalid_argument("need counties >= 1, villages >= counties, shops >= 1");
  return o;
}

// --- generation ----------------------------------------------------------------------------

constexpr int listings_per_command = 10000;
constexpr int shops_per_command = 10000;

struct region_rows {
  std::vector<std::int64_t> county_ids;
  std::vector<std::int64_t> village_ids;
};

storage::new_listing make_listing(std::mt19937_64& rng, std::discrete_distribution<std::size_t>& category_dist) {
  const auto& t = tables()[category_dist(rng)];
  const auto& item = pick(rng, t.items);
  const auto& size = pick(rng, t.sizes);
  storage::new_listing l;
  if (chance(rng, 0.1)) {  // English title
    std::string title;
    if (chance(rng, 0.5)) title = std::string(pick(rng, t.adjectives_en)) + " ";
    title += item.en;
    if (*size.en) title += std::string(" ") + size.en;
    l.title = std::move(title);
    l.description = fmt::format("{} straight from the farm, packed and shipped by the grower.", item.en);
  } else {
    std::string title;
    if (chance(rng, 0.6)) title = pick(rng, t.adjectives_zh);
    title += item.zh;
    if (*size.zh) title += std::string(" ") + size.zh;
    if (chance(rng, 0.08)) title += " 包邮";
    l.title = std::move(title);
    l.description = fmt::format("{}，农户自产自销，产地直发。", item.zh);
  }
  l.category = t.category;
  l.unit = size.unit;
  // Log-uniform between 1 and 1,000 yuan: many cheap listings, a few expensive ones.
  const double lg = std::uniform_real_distribution<double>(std::log(100.0), std::log(100000.0))(rng);
  l.price_fen = std::clamp<std::int64_t>(static_cast<std::int64_t>(std::exp(lg)) / 10 * 10, 100, 100000);
  l.stock = chance(rng, 0.03) ? 0 : std::uniform_int_distribution<std::int64_t>(1, 5000)(rng);
  l.status = chance(rng, 0.05) ? listing_status::draft : listing_status::active;
  return l;
}

int run(const options& o) {
  namespace fs = std::filesystem;
  if (fs::exists(o.db)) throw std::invalid_argument(fmt::format("{} exists; generate into a new file", o.db));
  const auto t0 = std::chrono::steady_clock::now();
  auto elapsed = [&t0] {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  };

  server::crypto_init();
  // Bench data: one cheap hash shared by every account.
  const auto password_hash = server::hash_password("cunji-bench-2026", server::password_params{1, 8192});

  storage::database_options dbo;
  dbo.path = o.db;
  dbo.synchronous = "NORMAL";
  storage::database db(dbo);
  std::mt19937_64 rng(o.seed);
  const auto now = static_cast<unix_seconds>(std::time(nullptr));
  // Listing k is created at base + k seconds: newest-first is id order, as in real traffic.
  const auto base = now - o.listings;

  // Counties and villages: one command.
  auto regions = db.writer().submit_sync([&](storage::connection& c) -> result<region_rows> {
    if (storage::count_counties(c) > 0) return error{errc::conflict, "the database already has counties"};
    region_rows r;
    for (int i = 0; i < o.counties; ++i) {
      const bool poverty = chance(rng, 0.3);
      r.county_ids.push_back(
          storage::insert_county(c, place_name(rng, "县"), pick(rng, provinces), poverty, base).id);
    }
    for (int i = 0; i < o.villages; ++i) {
      // Every county gets a village first, then villages land on counties at random.
      const auto county = i < o.counties ? r.county_ids[static_cast<std::size_t>(i)] : pick(rng, r.county_ids);
      auto v = storage::insert_village(c, county, place_name(rng, "村"), base);
      if (!v) return v.err();
      r.village_ids.push_back(v->id);
    }
    return r;
  });
  if (!regions) throw std::runtime_error("regions: " + regions.err().detail);
  fmt::print(stderr, "benchgen: {} counties, {} villages ({:.1f}s)\n", o.counties, o.villages, elapsed());

  // Farmers and their shops, shops_per_command at a time.
  std::vector<shop> shops;
  shops.reserve(static_cast<std::size_t>(o.shops));
  static const std::vector<const char*> shop_suffixes{"农家店", "土特产", "家庭农场", "山货铺", "合作社", "果园",
                                                      "优选", "直营店"};
  for (int from = 0; from < o.shops; from += shops_per_command) {
    const int to = std::min(o.shops, from + shops_per_command);
    auto batch = db.writer().submit_sync([&](storage::connection& c) -> result<std::vector<shop>> {
      std::vector<shop> out;
      for (int i = from; i < to; ++i) {
        const auto village = i < o.villages ? regions->village_ids[static_cast<std::size_t>(i)]
                                            : pick(rng, regions->village_ids);
        const std::string surname = pick(rng, surnames);
        registration r;
        r.role = role::farmer;
        r.name = surname + pick(rng, given);
        r.phone = fmt::format("+86190{:08d}", i + 1);
        r.village_id = village;
        auto a = storage::insert_account(c, r, password_hash, base);
        if (!a) return a.err();
        storage::new_shop ns;
        ns.village_id = village;
        ns.name = fmt::format("{}家{}{}", surname, pick(rng, shop_suffixes), i + 1);
        ns.description = fmt::format("{}经营的网店。", r.name);
        ns.owner_account_id = a->id;
        auto s = storage::insert_shop(c, ns, base);
        if (!s) return s.err();
        out.push_back(s.value());
      }
      return out;
    });
    if (!batch) throw std::runtime_error("shops: " + batch.err().detail);
    for (auto& s : batch.value()) shops.push_back(std::move(s));
  }
  fmt::print(stderr, "benchgen: {} farmers and shops ({:.1f}s)\n", shops.size(), elapsed());

  // Listings: Zipf-ish categories (weight 1/rank).
  std::vector<double> weights;
  for (std::size_t i = 0; i < tables().size(); ++i) weights.push_back(1.0 / static_cast<double>(i + 1));
  std::discrete_distribution<std::size_t> category_dist(weights.begin(), weights.end());
  std::map<std::string, int> per_category;
  int drafts = 0;
  std::vector<std::int64_t> active_ids;
  for (int from = 0; from < o.listings; from += listings_per_command) {
    const int to = std::min(o.listings, from + listings_per_command);
    auto done = db.writer().submit_sync([&](storage::connection& c) -> result<int> {
      for (int k = from; k < to; ++k) {
        const auto& s = k < static_cast<int>(shops.size()) ? shops[static_cast<std::size_t>(k)] : pick(rng, shops);
        auto l = make_listing(rng, category_dist);
        ++per_category[l.category];
        if (l.status == listing_status::draft) ++drafts;
        const auto id = storage::insert_listing(c, s, l, base + k).id;
        if (l.status == listing_status::active) active_ids.push_back(id);
      }
      return to - from;
    });
    if (!done) throw std::runtime_error("listings: " + done.err().detail);
    fmt::print(stderr, "benchgen: {} listings ({:.1f}s)\n", to, elapsed());
  }
  db.close_writer();
  if (!o.ids.empty()) {
    std::FILE* f = std::fopen(o.ids.c_str(), "w");
    if (!f) throw std::runtime_error("cannot write " + o.ids);
    for (const auto id : active_ids) fmt::print(f, "{}\n", id);
    if (std::fclose(f) != 0) throw std::runtime_error("cannot write " + o.ids);
  }

  std::string mix;
  for (const auto& [cat, n] : per_category) mix += fmt::format(" {}={}", cat, n);
  fmt::print("generated {} counties, {} villages, {} shops, {} listings ({} drafts) in {:.1f}s into {}\n"
             "categories:{}\n",
             o.counties, o.villages, shops.size(), o.listings, drafts, elapsed(), o.db, mix);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(parse(argc, argv));
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "cunji_benchgen: {}\n{}", e.what(), usage);
    return 2;
  } catch (const std::exception& e) {
    fmt::print(stderr, "cunji_benchgen: {}\n", e.what());
    return 1;
  }
}
