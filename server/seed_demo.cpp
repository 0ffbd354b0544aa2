#include "server/seed_demo.hpp"

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
#include "storage/sqlite/database.hpp"
#include "storage/sql/regions.hpp"

namespace cunji::server {

namespace {

// --- produce -----------------------------------------------------------------------------

// One way a product is sold: appended to the title ("5斤装"), the listing unit, and the price
// range of that unit in fen.
struct pack {
  const char* label;
  const char* unit;
  std::int64_t min_fen;
  std::int64_t max_fen;
};

struct product {
  const char* name;      // "奉节脐橙"
  const char* category;  // one of core::categories
  const char* blurb;     // the first half of the description sentence
  const std::vector<pack>* packs;
  int weight = 1;  // how often shops of its county carry it
};

const std::vector<pack> p_fruit{{"5斤装", "box", 2500, 6900}, {"10斤礼盒", "box", 4800, 12800},
                                {"3斤", "box", 1800, 3900}, {"", "jin", 400, 1200}};
const std::vector<pack> p_pomelo{{"", "piece", 1200, 3500}, {"2个装", "box", 2900, 6800}, {"4个礼盒", "box", 5800, 12800}};
const std::vector<pack> p_vegetable{{"", "jin", 100, 1000}, {"5斤", "bag", 800, 3500}, {"10斤", "bag", 1500, 5900}};
const std::vector<pack> p_corn{{"10根", "bag", 1500, 3900}, {"", "piece", 150, 500}};
const std::vector<pack> p_flour{{"25kg", "bag", 9000, 16000}, {"10kg", "bag", 4500, 8500}, {"5kg", "bag", 2500, 4500},
                                {"2.5kg", "bag", 1500, 2800}, {"", "kg", 500, 1200}};
const std::vector<pack> p_rice{{"5kg", "bag", 3500, 9900}, {"10kg", "bag", 6500, 16800}, {"", "jin", 400, 1500}};
const std::vector<pack> p_cured{{"1斤", "jin", 4000, 9000}, {"2斤装", "box", 8000, 17800}, {"5斤礼盒", "box", 19800, 39800}};
const std::vector<pack> p_fresh_meat{{"", "jin", 2500, 6800}, {"", "kg", 5000, 13000}, {"5斤装", "box", 14000, 32000}};
const std::vector<pack> p_jerky{{"250g", "bag", 3500, 7800}, {"500g", "bag", 6500, 13800}, {"1kg礼盒", "box", 12800, 25800}};
const std::vector<pack> p_eggs{{"30枚", "box", 3500, 7800}, {"", "dozen", 1500, 3600}, {"60枚礼盒", "box", 6800, 13800}};
const std::vector<pack> p_chicken{{"整只约3斤", "piece", 8800, 19800}, {"", "jin", 2800, 5800}};
const std::vector<pack> p_fish{{"", "jin", 1500, 4500}, {"2斤装", "box", 4500, 11800}};
const std::vector<pack> p_tea{{"250g", "box", 3000, 18800}, {"500g礼盒", "box", 8800, 30000}, {"100g", "box", 3000, 12800}};
const std::vector<pack> p_puer{{"357g饼", "piece", 8800, 30000}, {"200g饼", "piece", 5800, 16800}};
const std::vector<pack> p_nuts{{"500g", "bag", 2500, 6800}, {"1kg", "bag", 4500, 12800}, {"", "jin", 1500, 4500}};
const std::vector<pack> p_honey{{"500g", "piece", 4800, 12800}, {"1kg", "piece", 8800, 19800}, {"2斤礼盒", "box", 9800, 26800}};
const std::vector<pack> p_dried_mushroom{{"250g", "bag", 2500, 6800}, {"500g", "bag", 4500, 12800}, {"", "jin", 3500, 9800}};
const std::vector<pack> p_fresh_mushroom{{"", "jin", 800, 3500}, {"3斤", "box", 2900, 8800}};
const std::vector<pack> p_herb{{"250g", "bag", 3000, 12800}, {"500g", "bag", 5500, 22800}, {"", "jin", 5000, 20000}};
const std::vector<pack> p_craft{{"", "piece", 3000, 58000}};
const std::vector<pack> p_silver{{"", "piece", 18800, 88000}};
const std::vector<pack> p_pantry{{"500g", "bag", 1500, 3900}, {"", "jin", 1500, 3900}, {"2斤装", "bag", 2800, 6800}};
const std::vector<pack> p_oil{{"5L", "piece", 19800, 39800}, {"1L", "piece", 5800, 12800}};
const std::vector<pack> p_sauce{{"280g", "piece", 1200, 2900}, {"3瓶装", "box", 3500, 7900}};

// Produce anyone may sell, wherever the village is.
const std::vector<product>& common_produce() {
  static const std::vector<product> v{
      {"红富士苹果", "fruit", "脆甜多汁，果园现摘现发", &p_fruit},
      {"土豆", "vegetable", "沙糯粉面，炖煮炒丝都合适", &p_vegetable},
      {"红薯", "vegetable", "黄心软糯，蒸烤皆宜", &p_vegetable},
      {"大白菜", "vegetable", "包心紧实，清甜爽口", &p_vegetable},
      {"甜糯玉米", "vegetable", "当天掰下的鲜玉米，甜糯可口", &p_corn},
      {"小米", "grain", "粒小色黄，熬粥香浓", &p_rice},
      {"核桃", "nuts_dried", "壳薄仁满，原味晾晒", &p_nuts},
      {"土蜂蜜", "honey", "山里土蜂酿的百花蜜，自然成熟", &p_honey},
      {"香菇", "mushroom", "椴木种植，自然晾干，肉厚味香", &p_dried_mushroom},
      {"土鸡蛋", "poultry_eggs", "林下散养的土鸡所产，蛋黄饱满", &p_eggs},
      {"腊肠", "meat", "按老方子灌制，柴火慢熏", &p_cured},
      {"鲫鱼", "aquatic", "山塘放养，肉质细嫩", &p_fish},
      {"干辣椒", "nuts_dried", "日晒干透，香辣适中", &p_nuts},
      {"竹编菜篮", "handicraft", "老篾匠手工编织，结实耐用", &p_craft},
      {"手工布鞋", "handicraft", "千层底纯手工纳制，透气舒适", &p_craft},
      {"农家辣椒酱", "other", "自家辣椒现做，香辣下饭", &p_sauce},
  };
  return v;
}

// English-titled listings, so that Latin-script search has data. `county` names the county
// whose shops sell it (nullptr: any shop).
struct english_listing {
  const char* county;
  const char* title;
  const char* description;
  const char* category;
  pack p;
};

const std::vector<english_listing>& english_listings() {
  static const std::vector<english_listing> v{
      {nullptr, "Fuji Apples 5kg", "Crisp, sweet Fuji apples picked to order and shipped the same day.", "fruit",
       {"", "box", 4500, 8900}},
      {"吉木乃县", "Jeminay Wheat Flour 25kg", "All-purpose wheat flour milled from Jeminay County's own wheat.",
       "grain", {"", "bag", 9000, 16000}},
      {"吉木乃县", "Jeminay Stone-Ground Whole Wheat Flour 5kg",
       "Stone-ground whole wheat flour from the farms of Jeminay, Xinjiang.", "grain", {"", "bag", 2800, 4800}},
      {"奉节县", "Fengjie Navel Oranges 10 jin Gift Box", "Juicy navel oranges from the hills above the Yangtze.",
       "fruit", {"", "box", 5800, 12800}},
      {"元阳县", "Hani Terrace Red Rice 5kg", "Red rice grown on the Hani rice terraces of Yuanyang.", "grain",
       {"", "bag", 4800, 9800}},
      {"元阳县", "Yunnan Pu'er Tea Cake 357g", "A pressed Pu'er tea cake that keeps improving with age.", "tea",
       {"", "piece", 8800, 30000}},
      {"汪清县", "Wangqing Black Fungus 500g", "Dried black wood-ear fungus from the forests of Wangqing.",
       "mushroom", {"", "bag", 4500, 9800}},
      {"平和县", "Pinghe Guanxi Honey Pomelo", "A large, sweet honey pomelo from Pinghe, Fujian.", "fruit",
       {"", "piece", 1500, 3500}},
      {"金寨县", "Jinzhai Kiwifruit 3kg", "Green kiwifruit from the Dabie mountains, picked ripe.", "fruit",
       {"", "box", 4800, 9800}},
      {nullptr, "Free-range Eggs, 30 count", "Eggs from hens that roam the village hillsides.", "poultry_eggs",
       {"", "box", 3800, 7800}},
      {nullptr, "Wildflower Honey 500g", "Raw wildflower honey from mountain hives.", "honey",
       {"", "piece", 4800, 12800}},
      {"城口县", "Chengkou Smoked Pork Belly 1 jin", "Pork belly cured and smoked over a wood fire.", "meat",
       {"", "jin", 4500, 8800}},
      {"雷山县", "Miao Silver Bracelet", "A hand-hammered silver bracelet made by Miao silversmiths.", "handicraft",
       {"", "piece", 18800, 68000}},
      {"巫山县", "Wushan Crisp Plums 3 jin", "Crisp, tart-sweet plums from Wushan.", "fruit", {"", "box", 2900, 5900}},
      {"宕昌县", "Tanchang Codonopsis Root 500g", "Dried dangshen root, a traditional tonic herb.", "other",
       {"", "bag", 5800, 16800}},
  };
  return v;
}

const std::vector<const char*>& adjectives(const std::string& category) {
  static const std::vector<const char*> fruit{"新鲜", "现摘", "当季", "产地直发", "农家", "正宗"};
  static const std::vector<const char*> vegetable{"新鲜", "农家", "现挖", "高山", "产地直发"};
  static const std::vector<const char*> grain{"农家", "新磨", "正宗", "当季新"};
  static const std::vector<const char*> meat{"农家", "手工", "柴火熏", "正宗"};
  static const std::vector<const char*> poultry{"散养", "农家", "新鲜", "林下"};
  static const std::vector<const char*> aquatic{"鲜活", "生态", "稻田"};
  static const std::vector<const char*> tea{"高山", "明前", "特级", "一级", "手工"};
  static const std::vector<const char*> nuts{"农家", "新货", "原味"};
  static const std::vector<const char*> honey{"野生", "农家", "纯正", "天然"};
  static const std::vector<const char*> mushroom{"精选", "干货", "农家", "肉厚"};
  static const std::vector<const char*> craft{"手工", "纯手工", "传统"};
  static const std::vector<const char*> other{"农家", "正宗", "特产"};
  if (category == "fruit") return fruit;
  if (category == "vegetable") return vegetable;
  if (category == "grain") return grain;
  if (category == "meat") return meat;
  if (category == "poultry_eggs") return poultry;
  if (category == "aquatic") return aquatic;
  if (category == "tea") return tea;
  if (category == "nuts_dried") return nuts;
  if (category == "honey") return honey;
  if (category == "mushroom") return mushroom;
  if (category == "handicraft") return craft;
  return other;
}

// --- regions -----------------------------------------------------------------------------

enum class names { han, kazakh, mongol };

struct demo_county {
  const char* name;
  const char* province;
  bool poverty;
  std::vector<const char*> villages;
  std::vector<product> produce;  // local specialities; the first is what the county is known for
  names people = names::han;
};

// Counties in the provinces of the 2018 internet poverty-relief pilot (Chongqing, Yunnan,
// Gansu, Xinjiang, Inner Mongolia, Anhui, Fujian, Jilin, Guizhou), Jeminay County (the first
// county of the poverty-relief fund programme, whose flour is to become a standard source for
// the flour industry) and Chongqing's national-level poverty counties.
const std::vector<demo_county>& demo_counties() {
  static const std::vector<demo_county> counties{
      {"吉木乃县", "新疆维吾尔自治区", true, {"托斯特乡村", "乌拉斯特村", "恰勒什海村"},
       {{"吉木乃面粉", "grain", "吉木乃本地小麦磨制，麦香浓郁，筋道耐煮", &p_flour, 6},
        {"吉木乃高筋小麦粉", "grain", "高筋雪花粉，做馕、拉面、馒头都好用", &p_flour, 4},
        {"吉木乃石磨全麦面粉", "grain", "石磨低温研磨，保留麦麸和胚芽", &p_flour, 3},
        {"阿勒泰黑蜂蜂蜜", "honey", "阿勒泰山区黑蜂采集的野花蜜，结晶细腻", &p_honey},
        {"阿勒泰大尾羊肉", "meat", "草场放养的大尾羊，肉质鲜嫩不膻", &p_fresh_meat},
        {"吉木乃葵花籽", "nuts_dried", "额尔齐斯河畔种植，颗粒饱满", &p_nuts},
        {"新疆风干牛肉干", "meat", "牧民传统风干工艺，越嚼越香", &p_jerky}},
       names::kazakh},
      {"城口县", "重庆市", true, {"岚天村", "河鱼村", "东安村"},
       {{"城口老腊肉", "meat", "大巴山土猪肉，柴火烟熏数十天", &p_cured, 4},
        {"城口山地鸡", "poultry_eggs", "大巴山林下放养一年以上", &p_chicken, 2},
        {"城口核桃", "nuts_dried", "高山核桃，壳薄仁香", &p_nuts},
        {"城口土蜂蜜", "honey", "中华蜂一年一割的老蜂蜜", &p_honey},
        {"城口洋芋", "vegetable", "高山洋芋，粉糯香甜", &p_vegetable},
        {"城口香菇", "mushroom", "大巴山椴木香菇，菌盖厚实", &p_dried_mushroom}}},
      {"巫溪县", "重庆市", true, {"红池坝村", "宁厂村", "通城村"},
       {{"巫溪洋芋", "vegetable", "高山冷凉气候种出的洋芋，淀粉足", &p_vegetable, 3},
        {"巫溪老腊肉", "meat", "土猪后腿肉，松柏枝熏制", &p_cured, 2},
        {"巫溪土蜂蜜", "honey", "红池坝草场边的中蜂蜜", &p_honey},
        {"巫溪核桃", "nuts_dried", "山地核桃，自然晾晒", &p_nuts},
        {"宁厂古盐", "other", "宁厂古镇传统工艺熬制的井盐", &p_pantry}}},
      {"酉阳土家族苗族自治县", "重庆市", true, {"花田村", "河湾村", "金丝楠村"},
       {{"花田贡米", "grain", "花田梯田出产的贡米，米粒晶莹", &p_rice, 4},
        {"酉阳茶油", "other", "野生油茶籽冷榨，清香不腻", &p_oil, 2},
        {"酉阳青花椒", "nuts_dried", "麻味纯正，颗粒干爽", &p_nuts},
        {"土家西兰卡普", "handicraft", "土家族传统织锦，手工挑织", &p_craft},
        {"酉阳麻旺鸭", "poultry_eggs", "稻田放养的麻鸭", &p_chicken}}},
      {"彭水苗族土家族自治县", "重庆市", true, {"鞍子村", "桑柘村"},
       {{"彭水晶丝苕粉", "other", "红薯淀粉手工漏制，久煮不烂", &p_pantry, 3},
        {"彭水红薯", "vegetable", "苗乡山地红薯，甜糯", &p_vegetable, 2},
        {"彭水魔芋", "vegetable", "高山魔芋，手工制作魔芋豆腐", &p_vegetable},
        {"苗家腊肉", "meat", "苗家土法腌制熏烤", &p_cured},
        {"苗族刺绣", "handicraft", "苗族妇女手工刺绣，图案古朴", &p_craft}}},
      {"奉节县", "重庆市", true, {"脐橙村", "安坪村", "永乐村"},
       {{"奉节脐橙", "fruit", "长江边坡地种植，果肉细嫩化渣，酸甜适中", &p_fruit, 8},
        {"奉节夏橙", "fruit", "晚熟夏橙，汁多味浓", &p_fruit, 2},
        {"奉节脐橙干", "nuts_dried", "脐橙切片低温烘干", &p_nuts},
        {"奉节土蜂蜜", "honey", "橙花盛开时节的土蜂蜜", &p_honey}}},
      {"巫山县", "重庆市", true, {"曲尺村", "竹贤村"},
       {{"巫山脆李", "fruit", "果肉脆爽，酸甜化渣", &p_fruit, 6},
        {"巫山庙党", "other", "巫山庙宇镇党参，条粗味甜", &p_herb, 2},
        {"巫山洋芋", "vegetable", "高山洋芋，沙而不散", &p_vegetable},
        {"巫山老腊肉", "meat", "土猪肉柴火熏制", &p_cured}}},
      {"云阳县", "重庆市", true, {"龙角村", "南溪村"},
       {{"云阳红橙", "fruit", "果皮红艳，甜多酸少", &p_fruit, 4},
        {"云阳纽荷尔脐橙", "fruit", "纽荷尔品种，果形端正", &p_fruit, 2},
        {"云阳菊花", "tea", "山地种植的药菊，清香回甘", &p_tea},
        {"云阳土鸡蛋", "poultry_eggs", "山林散养土鸡蛋", &p_eggs}}},
      {"石柱土家族自治县", "重庆市", true, {"黄水村", "中益村"},
       {{"石柱黄连蜂蜜", "honey", "黄连花期采集，先苦后甜", &p_honey, 4},
        {"石柱黄连", "other", "中国黄连之乡所产，根茎饱满", &p_herb, 2},
        {"石柱红辣椒", "nuts_dried", "石柱本地红辣椒，色红味香", &p_nuts, 2},
        {"黄水莼菜", "vegetable", "高山水塘采摘的莼菜，口感滑嫩", &p_fresh_mushroom},
        {"中益土蜂蜜", "honey", "中益乡中华蜂蜂蜜", &p_honey}}},
      {"秀山土家族苗族自治县", "重庆市", true, {"清溪村", "梅江村"},
       {{"秀山土鸡蛋", "poultry_eggs", "武陵山区散养土鸡所产", &p_eggs, 4},
        {"秀山土鸡", "poultry_eggs", "山林散养一年的土鸡", &p_chicken, 2},
        {"秀山毛尖", "tea", "武陵山区高山茶园采制", &p_tea, 2},
        {"秀山金银花", "tea", "花蕾饱满，晒干后香气清雅", &p_tea},
        {"秀山米豆腐", "other", "大米磨浆手工制作", &p_pantry}}},
      {"丰都县", "重庆市", true, {"三建村", "栗子村"},
       {{"丰都麻辣鸡块", "meat", "丰都传统风味，麻辣鲜香", &p_jerky, 3},
        {"丰都牛肉", "meat", "本地肉牛，现杀现发", &p_fresh_meat, 2},
        {"丰都红心柚", "fruit", "果肉红润，清甜少籽", &p_pomelo, 2},
        {"丰都板栗", "nuts_dried", "栗子村山地板栗，粉糯香甜", &p_nuts}}},
      {"元阳县", "云南省", true, {"箐口村", "大鱼塘村"},
       {{"元阳梯田红米", "grain", "哈尼梯田种植的老品种红米", &p_rice, 4},
        {"梯田稻花鱼", "aquatic", "梯田稻田里放养的鲤鱼", &p_fish, 2},
        {"梯田鸭蛋", "poultry_eggs", "梯田放养麻鸭所产", &p_eggs},
        {"云南普洱茶", "tea", "大叶种晒青毛茶压制，越陈越香", &p_puer, 2},
        {"哈尼族刺绣挎包", "handicraft", "哈尼族妇女手工刺绣", &p_craft}}},
      {"宕昌县", "甘肃省", true, {"哈达铺村", "官亭村"},
       {{"宕昌党参", "other", "岷山山地种植，条粗肉厚", &p_herb, 4},
        {"宕昌黄芪", "other", "生长多年的野生抚育黄芪", &p_herb, 2},
        {"宕昌当归", "other", "高寒阴湿山区出产，油性足", &p_herb, 2},
        {"宕昌土蜂蜜", "honey", "中药材花期的百花蜜", &p_honey},
        {"宕昌羊肚菌", "mushroom", "林下种植，自然晾干", &p_dried_mushroom}}},
      {"科尔沁右翼前旗", "内蒙古自治区", true, {"索伦村", "归流河村"},
       {{"科尔沁牛肉干", "meat", "草原黄牛肉手撕风干", &p_jerky, 4},
        {"兴安盟大米", "grain", "寒地黑土种植，一年一季", &p_rice, 3},
        {"草原羔羊肉", "meat", "天然草场放养的羔羊", &p_fresh_meat, 2},
        {"科右前旗小米", "grain", "旱地谷子，熬粥起油", &p_rice},
        {"蒙古族刺绣", "handicraft", "蒙古族传统刺绣工艺", &p_craft}},
       names::mongol},
      {"金寨县", "安徽省", false, {"大湾村", "花石村"},
       {{"金寨猕猴桃", "fruit", "大别山区种植，果肉翠绿，酸甜多汁", &p_fruit, 4},
        {"六安瓜片", "tea", "金寨茶园手工采制，香气清高", &p_tea, 3},
        {"金寨板栗", "nuts_dried", "大别山板栗，个大饱满", &p_nuts, 2},
        {"金寨黑毛猪腊肉", "meat", "大别山黑毛猪，土法腌制", &p_cured},
        {"金寨天麻", "other", "林下仿野生种植", &p_herb},
        {"大别山土蜂蜜", "honey", "大别山中华蜂蜂蜜", &p_honey}}},
      {"平和县", "福建省", false, {"琯溪村", "坂仔村"},
       {{"平和琯溪蜜柚", "fruit", "果大皮薄，汁多化渣，清甜微酸", &p_pomelo, 6},
        {"平和红心蜜柚", "fruit", "果肉红润，甜度高", &p_pomelo, 3},
        {"平和三红蜜柚", "fruit", "皮红、膜红、肉红的三红柚", &p_pomelo, 2},
        {"平和白芽奇兰", "tea", "平和特有的乌龙茶，兰花香明显", &p_tea, 2}}},
      {"汪清县", "吉林省", false, {"百草沟村", "天桥岭村"},
       {{"汪清黑木耳", "mushroom", "长白山林区椴木黑木耳，肉厚无根", &p_dried_mushroom, 6},
        {"延边大米", "grain", "图们江流域稻田种植，米香浓", &p_rice, 2},
        {"汪清榛蘑", "mushroom", "林间采集的野生榛蘑", &p_dried_mushroom},
        {"长白山松子", "nuts_dried", "红松松子，手剥开口", &p_nuts},
        {"汪清桔梗", "vegetable", "延边朝鲜族常吃的桔梗菜", &p_vegetable}}},
      {"雷山县", "贵州省", true, {"西江村", "郎德村"},
       {{"雷山银球茶", "tea", "雷公山茶园采制，揉成银球状", &p_tea, 4},
        {"苗族银饰手镯", "handicraft", "西江苗寨银匠手工打制", &p_silver, 2},
        {"苗绣挂画", "handicraft", "苗族妇女手工刺绣", &p_craft, 2},
        {"雷山鱼酱", "other", "苗家传统发酵鱼酱", &p_sauce},
        {"雷山天麻", "other", "雷公山林下种植", &p_herb}}},
  };
  return counties;
}

// --- people ------------------------------------------------------------------------------

template <class T>
const T& pick(std::mt19937_64& rng, const std::vector<T>& v) {
  return v[std::uniform_int_distribution<std::size_t>(0, v.size() - 1)(rng)];
}

int uniform(std::mt19937_64& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }
bool chance(std::mt19937_64& rng, double p) { return std::bernoulli_distribution(p)(rng); }

struct person {
  std::string name;
  std::string family;  // what a shop is named after: the surname of a Han name, else the name
};

person person_name(std::mt19937_64& rng, names kind) {
  static const std::vector<const char*> surnames{"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                                 "徐", "孙", "马", "胡", "郭", "何", "罗", "谢", "唐", "冉",
                                                 "向", "田", "彭", "龙", "石", "谭", "秦", "余", "邓", "冯"};
  static const std::vector<const char*> given{"建国", "秀英", "桂兰", "志强", "春花", "德华", "玉梅", "春生",
                                              "国平", "丽娟", "大山", "明", "芳", "勇", "静", "伟",
                                              "秀兰", "金花", "永福", "海燕", "小军", "红梅", "长青", "家富",
                                              "翠云", "平", "世友", "光荣", "雪梅", "红"};
  static const std::vector<const char*> kazakh_given{"努尔兰", "阿依古丽", "叶尔江", "古丽娜尔", "别克", "哈力木拉提",
                                                     "阿斯哈尔", "沙吾列", "叶尔兰", "加娜尔"};
  static const std::vector<const char*> kazakh_family{"吾拉孜别克", "托合塔尔", "马合沙提", "阿曼", "努尔江"};
  static const std::vector<const char*> mongol{"巴特尔", "其木格", "额尔敦", "乌云", "苏和", "那仁", "斯琴",
                                               "宝音", "朝鲁", "萨仁"};
  switch (kind) {
    case names::kazakh:
      if (chance(rng, 0.7)) {
        std::string given_name = pick(rng, kazakh_given);
        return {given_name + "·" + pick(rng, kazakh_family), given_name};
      }
      break;
    case names::mongol:
      if (chance(rng, 0.6)) {
        std::string name = pick(rng, mongol);
        return {name, name};
      }
      break;
    case names::han: break;
  }
  std::string family = pick(rng, surnames);
  return {family + pick(rng, given), family};
}

// --- listings ----------------------------------------------------------------------------

std::int64_t price_in(std::mt19937_64& rng, const pack& p) {
  std::int64_t fen = std::uniform_int_distribution<std::int64_t>(p.min_fen, p.max_fen)(rng);
  if (p.max_fen < 2000) return std::max<std::int64_t>(p.min_fen, fen / 10 * 10);  // cheap: to 1 jiao
  static const std::vector<std::int64_t> endings{0, 0, 80, 90, 90, 50};
  fen = fen / 100 * 100 + pick(rng, endings);  // shop prices: 39.90, 58.00, 128.80
  return std::clamp(fen, p.min_fen, p.max_fen);
}

std::int64_t stock_level(std::mt19937_64& rng) {
  if (chance(rng, 0.03)) return 0;
  if (chance(rng, 0.8)) return uniform(rng, 5, 500);
  return uniform(rng, 500, 5000);
}

struct shop_plan {
  shop s;
  std::size_t county = 0;
  std::vector<const product*> focus;
};

storage::new_listing chinese_listing(std::mt19937_64& rng, const shop_plan& sp, const demo_county& dc,
                                     const std::string& village_name) {
  const product* prod = chance(rng, 0.85) ? sp.focus[static_cast<std::size_t>(uniform(rng, 0, static_cast<int>(sp.focus.size()) - 1))]
                                          : &pick(rng, common_produce());
  const auto& pk = pick(rng, *prod->packs);
  std::string title;
  const std::string name = prod->name;
  if (chance(rng, 0.6)) {
    // No "手工手工布鞋": an adjective the name already says is left out.
    const std::string adj = pick(rng, adjectives(prod->category));
    const bool repeats = name.find(adj) != std::string::npos ||
                         (adj.find("手工") != std::string::npos && name.find("手工") != std::string::npos);
    if (!repeats) title += adj;
  }
  title += name;
  if (*pk.label) title += std::string(" ") + pk.label;
  if (chance(rng, 0.08)) title += " 包邮";
  storage::new_listing l;
  l.title = std::move(title);
  l.description = fmt::format("{}，{}{}农户直供。", prod->blurb, dc.name, village_name);
  l.category = prod->category;
  l.unit = pk.unit;
  l.price_fen = price_in(rng, pk);
  l.stock = stock_level(rng);
  l.status = chance(rng, 0.05) ? listing_status::draft : listing_status::active;
  return l;
}

// Picks a shop's 2-4 focus products: mostly its county's specialities by weight (the first,
// what the county is known for, always), sometimes common produce.
std::vector<const product*> shop_focus(std::mt19937_64& rng, const demo_county& dc) {
  std::vector<int> weights;
  for (const auto& p : dc.produce) weights.push_back(p.weight);
  std::discrete_distribution<std::size_t> by_weight(weights.begin(), weights.end());
  std::vector<const product*> out{&dc.produce.front()};
  const int n = uniform(rng, 2, 4);
  while (static_cast<int>(out.size()) < n) {
    const product* p = chance(rng, 0.75) ? &dc.produce[by_weight(rng)] : &pick(rng, common_produce());
    if (std::find(out.begin(), out.end(), p) == out.end()) out.push_back(p);
  }
  return out;
}

constexpr const char* demo_password = "cunji-demo-2026";
constexpr int target_shops = 200;
constexpr int target_listings = 2000;

struct seeded {
  int counties = 0, villages = 0, partners = 0, farmers = 0, villagers = 0, shops = 0, listings = 0, drafts = 0;
};

result<seeded> seed(storage::connection& c, const std::string& password_hash, unix_seconds now) {
  if (storage::count_counties(c) > 0) return error{errc::conflict, "the database already has counties"};
  std::mt19937_64 rng(20180101);  // fixed: the same demo data every time
  seeded n;

  struct village_row {
    village v;
    std::size_t county;
  };
  std::vector<village_row> villages;
  const auto& counties = demo_counties();
  for (std::size_t ci = 0; ci < counties.size(); ++ci) {
    const auto& dc = counties[ci];
    const auto county = storage::insert_county(c, dc.name, dc.province, dc.poverty, now);
    ++n.counties;
    for (const auto* name : dc.villages) {
      auto v = storage::insert_village(c, county.id, name, now);
      if (!v) return error{errc::conflict, "village insert failed: " + v.err().detail};
      villages.push_back({v.value(), ci});
      ++n.villages;
    }
  }

  int phone_seq = 0;
  // Stored in the one form (normalize_phone); signing in as +86170... works too.
  auto next_phone = [&phone_seq] { return fmt::format("170{:08d}", ++phone_seq); };
  int villager_phone_seq = 0;

  std::vector<shop_plan> shops;
  // A partner per village: its villagers, and a shop it runs for one of them.
  for (const auto& vr : villages) {
    const auto& dc = counties[vr.county];
    registration r;
    r.role = role::partner;
    r.name = person_name(rng, dc.people).name;
    r.phone = next_phone();
    r.village_id = vr.v.id;
    auto partner = storage::insert_account(c, r, password_hash, now);
    if (!partner) return error{errc::conflict, "partner insert failed: " + partner.err().detail};
    ++n.partners;

    std::vector<villager> vs;
    const int count = uniform(rng, 2, 3);
    for (int i = 0; i < count; ++i) {
      std::optional<std::string> phone;
      if (chance(rng, 0.6)) phone = fmt::format("171{:08d}", ++villager_phone_seq);
      vs.push_back(storage::insert_villager(c, vr.v.id, person_name(rng, dc.people).name, phone, partner->id, now));
      ++n.villagers;
    }
    const auto& seller = pick(rng, vs);
    shop_plan sp;
    sp.county = vr.county;
    sp.focus = shop_focus(rng, dc);
    storage::new_shop ns;
    ns.village_id = vr.v.id;
    ns.name = fmt::format("{}服务站代售·{}", vr.v.name, seller.name);
    ns.description = fmt::format("{}{}村级服务站代{}经营，主营{}等农产品。", dc.name, vr.v.name, seller.name,
                                 sp.focus.front()->name);
    ns.villager_id = seller.id;
    ns.partner_id = partner->id;
    auto s = storage::insert_shop(c, ns, now);
    if (!s) return error{errc::conflict, "shop insert failed: " + s.err().detail};
    sp.s = s.value();
    shops.push_back(std::move(sp));
  }

  // Farmers with shops of their own, spread over the villages, until there are target_shops.
  static const std::vector<const char*> shop_patterns{"{0}家农场", "{1}{0}家土特产", "{1}{2}直营店",
                                                      "{0}大姐农家店", "{1}{0}师傅山货铺", "{2}之家·{1}"};
  for (int i = 0; static_cast<int>(shops.size()) < target_shops; ++i) {
    const auto& vr = i < static_cast<int>(villages.size()) * 3
                         ? villages[static_cast<std::size_t>(i) % villages.size()]
                         : pick(rng, villages);
    const auto& dc = counties[vr.county];
    const auto who = person_name(rng, dc.people);
    registration r;
    r.role = role::farmer;
    r.name = who.name;
    r.phone = next_phone();
    r.village_id = vr.v.id;
    auto farmer = storage::insert_account(c, r, password_hash, now);
    if (!farmer) return error{errc::conflict, "farmer insert failed: " + farmer.err().detail};
    ++n.farmers;

    shop_plan sp;
    sp.county = vr.county;
    sp.focus = shop_focus(rng, dc);
    storage::new_shop ns;
    ns.village_id = vr.v.id;
    ns.name = fmt::format(fmt::runtime(pick(rng, shop_patterns)), who.family, vr.v.name,
                          sp.focus.front()->name);
    std::string lines;
    for (const auto* p : sp.focus) lines += (lines.empty() ? "" : "、") + std::string(p->name);
    ns.description = fmt::format("{}{}{}的网店，主营{}。", dc.name, vr.v.name, r.name, lines);
    ns.owner_account_id = farmer->id;
    auto s = storage::insert_shop(c, ns, now);
    if (!s) return error{errc::conflict, "shop insert failed: " + s.err().detail};
    sp.s = s.value();
    shops.push_back(std::move(sp));
  }
  n.shops = static_cast<int>(shops.size());

  // Shops of each county, for the English listings that belong to one.
  auto shop_in = [&](const char* county_name) -> const shop_plan* {
    std::vector<const shop_plan*> in;
    for (const auto& sp : shops)
      if (std::string(counties[sp.county].name) == county_name) in.push_back(&sp);
    return in.empty() ? nullptr : pick(rng, in);
  };
  const auto village_name = [&](std::int64_t id) -> const std::string& {
    for (const auto& vr : villages)
      if (vr.v.id == id) return vr.v.name;
    throw std::logic_error("unknown village");
  };

  std::size_t english_next = 0;
  for (int k = 0; k < target_listings; ++k) {
    // Every shop gets one listing first, then shops are drawn at random.
    const shop_plan* sp = k < n.shops ? &shops[static_cast<std::size_t>(k)] : &pick(rng, shops);
    storage::new_listing l;
    if (k % 64 == 37) {
      const auto& en = english_listings()[english_next++ % english_listings().size()];
      if (en.county)
        if (const auto* in = shop_in(en.county)) sp = in;
      l.title = en.title;
      l.description = en.description;
      l.category = en.category;
      l.unit = en.p.unit;
      l.price_fen = price_in(rng, en.p);
      l.stock = stock_level(rng);
    } else {
      l = chinese_listing(rng, *sp, counties[sp->county], village_name(sp->s.village_id));
    }
    if (l.status == listing_status::draft) ++n.drafts;
    storage::insert_listing(c, sp->s, l, now);
    ++n.listings;
  }
  return n;
}

}  // namespace

std::string seed_demo(const std::string& path) {
  crypto_init();
  // Hashed once, at the server's cost, and shared by every demo account.
  const auto password_hash = hash_password(demo_password, password_params{});
  storage::database_options o;
  o.path = path;
  storage::database db(o);
  const auto now = static_cast<unix_seconds>(std::time(nullptr));
  auto res = db.writer().submit_sync(
      [&password_hash, now](storage::connection& c) -> result<seeded> { return seed(c, password_hash, now); });
  if (!res) throw std::runtime_error("seed-demo: " + res.err().detail);
  const auto& n = res.value();
  return fmt::format(
      "seeded {} counties, {} villages, {} partners, {} farmers, {} villagers, {} shops, {} listings ({} drafts); "
      "demo accounts +8617000000001..+86170{:08d} (partners first); demo password: {}",
      n.counties, n.villages, n.partners, n.farmers, n.villagers, n.shops, n.listings, n.drafts,
      n.partners + n.farmers, demo_password);
}

}  // namespace cunji::server
