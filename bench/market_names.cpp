// Produce titles, place and people's names, listings and tokens of the generated marketplace
// (bench/market_names.hpp).
#include "market_names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace cunji::benchgen {

namespace {

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
       {{"红富士苹果", "Fuji Apples"},
        {"奉节脐橙", "Fengjie Navel Oranges"},
        {"巫山脆李", "Wushan Crisp Plums"},
        {"平和琯溪蜜柚", "Guanxi Honey Pomelo"},
        {"金寨猕猴桃", "Jinzhai Kiwifruit"},
        {"赣南脐橙", "Gannan Navel Oranges"},
        {"阿克苏苹果", "Aksu Apples"},
        {"哈密瓜", "Hami Melon"},
        {"砂糖橘", "Shatang Mandarins"},
        {"库尔勒香梨", "Korla Fragrant Pears"},
        {"云阳红橙", "Yunyang Red Oranges"},
        {"水蜜桃", "Honey Peaches"},
        {"红心火龙果", "Red Dragon Fruit"},
        {"葡萄", "Grapes"}},
       {{"5斤装", "5 jin", "box"},
        {"10斤礼盒", "10 jin gift box", "box"},
        {"", "", "jin"},
        {"3kg", "3kg", "box"},
        {"", "", "kg"}},
       {"新鲜", "现摘", "当季", "产地直发", "农家", "正宗"},
       {"Fresh", "Farm", "Seasonal", "Premium"}},
      {"vegetable",
       {{"土豆", "Potatoes"},
        {"城口洋芋", "Chengkou Potatoes"},
        {"红薯", "Sweet Potatoes"},
        {"大白菜", "Napa Cabbage"},
        {"甜玉米", "Sweet Corn"},
        {"彭水魔芋", "Pengshui Konjac"},
        {"高山萝卜", "Mountain Radish"},
        {"竹笋", "Bamboo Shoots"},
        {"黄水莼菜", "Water Shield"},
        {"山药", "Chinese Yam"},
        {"生姜", "Ginger"}},
       {{"", "", "jin"}, {"5斤", "5 jin", "bag"}, {"10斤", "10 jin", "bag"}, {"", "", "kg"}},
       {"新鲜", "农家", "现挖", "高山", "产地直发"},
       {"Fresh", "Farm", "Mountain"}},
      {"grain",
       {{"吉木乃面粉", "Jeminay Wheat Flour"},
        {"高筋面粉", "Bread Flour"},
        {"石磨全麦面粉", "Stone-Ground Flour"},
        {"元阳梯田红米", "Hani Red Rice"},
        {"五常大米", "Wuchang Rice"},
        {"兴安盟大米", "Hinggan Rice"},
        {"小米", "Foxtail Millet"},
        {"花田贡米", "Huatian Tribute Rice"},
        {"荞麦面", "Buckwheat Noodles"},
        {"玉米糁", "Corn Grits"}},
       {{"25kg", "25kg", "bag"}, {"10kg", "10kg", "bag"}, {"5kg", "5kg", "bag"}, {"", "", "kg"}, {"", "", "jin"}},
       {"农家", "新磨", "正宗", "当季新"},
       {"Organic", "Stone-Milled", "Farm"}},
      {"meat",
       {{"城口老腊肉", "Chengkou Smoked Pork"},
        {"土猪腊肠", "Farm Pork Sausage"},
        {"科尔沁牛肉干", "Horqin Beef Jerky"},
        {"草原羔羊肉", "Grassland Lamb"},
        {"黑毛猪五花肉", "Black Pig Pork Belly"},
        {"风干牦牛肉", "Dried Yak Meat"},
        {"丰都麻辣鸡块", "Fengdu Spicy Chicken"}},
       {{"1斤", "1 jin", "jin"}, {"2斤装", "2 jin", "box"}, {"500g", "500g", "bag"}, {"", "", "kg"}},
       {"农家", "手工", "柴火熏", "正宗"},
       {"Smoked", "Farm", "Handmade"}},
      {"poultry_eggs",
       {{"土鸡蛋", "Free-range Eggs"},
        {"秀山土鸡蛋", "Xiushan Free-range Eggs"},
        {"梯田鸭蛋", "Terrace Duck Eggs"},
        {"城口山地鸡", "Mountain Chicken"},
        {"咸鸭蛋", "Salted Duck Eggs"},
        {"乌鸡蛋", "Silkie Eggs"}},
       {{"30枚", "30 count", "box"}, {"", "", "dozen"}, {"整只", "whole", "piece"}, {"60枚", "60 count", "box"}},
       {"散养", "农家", "新鲜", "林下"},
       {"Free-range", "Farm", "Fresh"}},
      {"tea",
       {{"云南普洱茶", "Yunnan Pu'er Tea"},
        {"雷山银球茶", "Leishan Silver Ball Tea"},
        {"六安瓜片", "Lu'an Melon Seed Tea"},
        {"秀山毛尖", "Xiushan Maojian Tea"},
        {"高山茶叶", "Mountain Tea Leaves"},
        {"白芽奇兰", "Baiya Qilan Oolong"},
        {"散装茶叶", "Loose Tea Leaves"},
        {"云阳菊花茶", "Chrysanthemum Tea"}},
       {{"357g饼", "357g cake", "piece"}, {"250g", "250g", "box"}, {"500g礼盒", "500g gift box", "box"}},
       {"高山", "明前", "特级", "一级", "手工"},
       {"Premium", "Spring", "Organic"}},
      {"nuts_dried",
       {{"核桃", "Walnuts"},
        {"板栗", "Chestnuts"},
        {"葵花籽", "Sunflower Seeds"},
        {"长白山松子", "Pine Nuts"},
        {"干辣椒", "Dried Chili"},
        {"红枣", "Red Dates"},
        {"花椒", "Sichuan Pepper"},
        {"葡萄干", "Raisins"}},
       {{"500g", "500g", "bag"}, {"1kg", "1kg", "bag"}, {"", "", "jin"}},
       {"农家", "新货", "原味"},
       {"Natural", "New Crop"}},
      {"honey",
       {{"土蜂蜜", "Wildflower Honey"},
        {"石柱黄连蜂蜜", "Shizhu Coptis Honey"},
        {"阿勒泰黑蜂蜂蜜", "Altay Black Bee Honey"},
        {"槐花蜜", "Acacia Honey"},
        {"枣花蜜", "Jujube Honey"},
        {"百花蜜", "Multiflower Honey"}},
       {{"500g", "500g", "piece"}, {"1kg", "1kg", "piece"}, {"2斤礼盒", "2 jin gift box", "box"}},
       {"野生", "农家", "纯正", "天然"},
       {"Raw", "Pure", "Mountain"}},
      {"mushroom",
       {{"汪清黑木耳", "Wangqing Black Fungus"},
        {"香菇", "Shiitake"},
        {"羊肚菌", "Morels"},
        {"榛蘑", "Hazel Mushrooms"},
        {"银耳", "Snow Fungus"},
        {"鸡枞菌", "Termite Mushrooms"},
        {"茶树菇", "Tea Tree Mushrooms"}},
       {{"250g", "250g", "bag"}, {"500g", "500g", "bag"}, {"", "", "jin"}},
       {"精选", "干货", "农家", "肉厚"},
       {"Dried", "Wild", "Premium"}},
      {"aquatic",
       {{"稻花鱼", "Rice-field Carp"},
        {"鲫鱼", "Crucian Carp"},
        {"小龙虾", "Crayfish"},
        {"大闸蟹", "Hairy Crab"},
        {"黄辣丁", "Yellow Catfish"}},
       {{"", "", "jin"}, {"2斤装", "2 jin", "box"}, {"", "", "kg"}},
       {"鲜活", "生态", "稻田"},
       {"Live", "Fresh"}},
      {"other",
       {{"石柱黄连", "Coptis Root"},
        {"宕昌党参", "Tanchang Codonopsis"},
        {"彭水苕粉", "Sweet Potato Noodles"},
        {"酉阳茶油", "Camellia Oil"},
        {"农家辣椒酱", "Chili Sauce"},
        {"金寨天麻", "Gastrodia Tuber"}},
       {{"500g", "500g", "bag"}, {"", "", "jin"}, {"1L", "1L", "piece"}},
       {"农家", "正宗", "特产"},
       {"Traditional", "Farm"}},
      {"handicraft",
       {{"苗族银饰手镯", "Miao Silver Bracelet"},
        {"苗绣挂画", "Miao Embroidery"},
        {"竹编菜篮", "Bamboo Basket"},
        {"手工布鞋", "Cloth Shoes"},
        {"土家西兰卡普", "Tujia Brocade"}},
       {{"", "", "piece"}},
       {"纯手工", "传统"},
       {"Handmade", "Traditional"}},
  };
  return t;
}

}  // namespace

// --- regions and people ----------------------------------------------------------------------

const std::vector<const char*> provinces{"重庆市", "云南省", "甘肃省", "新疆维吾尔自治区", "内蒙古自治区",
                                         "安徽省", "福建省", "吉林省", "贵州省",           "四川省",
                                         "湖南省", "江西省", "陕西省", "广西壮族自治区",   "河南省"};
const std::vector<const char*> place_chars{"青", "石", "云", "安", "平", "宁", "兴", "和", "丰", "泉", "龙", "凤",
                                           "梅", "桃", "竹", "松", "溪", "河", "山", "岭", "坪", "坝", "湾", "田",
                                           "花", "金", "银", "白", "红", "黄", "柳", "杨", "新", "东", "西", "南",
                                           "北", "中", "上", "下", "长", "高", "永", "太", "广", "乐", "福", "康"};
const std::vector<const char*> surnames{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙",
                                        "马", "胡", "郭", "何", "罗", "谢", "唐", "冉", "向", "田", "彭", "龙"};
const std::vector<const char*> given{"建国", "秀英", "桂兰", "志强", "春花", "德华", "玉梅", "春生", "国平", "丽娟",
                                     "大山", "明",   "芳",   "勇",   "静",   "伟",   "秀兰", "金花", "永福", "海燕"};

bool chance(std::mt19937_64& rng, double p) { return std::bernoulli_distribution(p)(rng); }

std::string place_name(std::mt19937_64& rng, const char* suffix) {
  return std::string(pick(rng, place_chars)) + pick(rng, place_chars) + suffix;
}

std::size_t category_count() { return tables().size(); }

// 32 bytes from the generator, base64url without padding: the shape of server::new_token().
std::string bench_token(std::mt19937_64& rng) {
  static constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
  std::array<unsigned char, 33> bytes{};  // one zero byte of padding for the last group
  for (std::size_t i = 0; i < 32; i += 8) {
    const auto v = rng();
    for (std::size_t j = 0; j < 8; ++j) bytes[i + j] = static_cast<unsigned char>(v >> (8 * j));
  }
  std::string out;
  for (std::size_t i = 0; i < 33; i += 3) {
    const std::uint32_t g = (std::uint32_t{bytes[i]} << 16) | (std::uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    out += alphabet[(g >> 18) & 63];
    out += alphabet[(g >> 12) & 63];
    out += alphabet[(g >> 6) & 63];
    out += alphabet[g & 63];
  }
  out.resize(43);  // 256 bits
  return out;
}

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
  // A few listings are sold out (for in_stock filters); the rest have ample stock, so neither
  // the order history nor the order scenarios run out.
  l.stock = chance(rng, 0.03) ? 0 : std::uniform_int_distribution<std::int64_t>(1'000'000, 2'000'000)(rng);
  l.status = chance(rng, 0.05) ? listing_status::draft : listing_status::active;
  return l;
}

}  // namespace cunji::benchgen
