#include "server/seed_demo.hpp"

#include <fmt/format.h>

#include <ctime>
#include <stdexcept>
#include <vector>

#include "storage/database.hpp"
#include "storage/regions.hpp"

namespace cunji::server {

namespace {

struct demo_county {
  const char* name;
  const char* province;
  bool poverty;
  std::vector<const char*> villages;
};

// Counties in the provinces of the 2018 internet poverty-relief pilot (Chongqing, Yunnan,
// Gansu, Xinjiang, Inner Mongolia, Anhui, Fujian, Jilin, Guizhou), Jeminay County (the first
// county of the poverty-relief fund programme) and Chongqing's national-level poverty counties.
const std::vector<demo_county>& demo_counties() {
  static const std::vector<demo_county> counties{
      {"吉木乃县", "新疆维吾尔自治区", true, {"托斯特乡村", "乌拉斯特村", "恰勒什海村"}},
      {"城口县", "重庆市", true, {"岚天村", "河鱼村", "东安村"}},
      {"巫溪县", "重庆市", true, {"红池坝村", "宁厂村", "通城村"}},
      {"酉阳土家族苗族自治县", "重庆市", true, {"花田村", "河湾村", "金丝楠村"}},
      {"彭水苗族土家族自治县", "重庆市", true, {"鞍子村", "桑柘村"}},
      {"奉节县", "重庆市", true, {"脐橙村", "安坪村", "永乐村"}},
      {"巫山县", "重庆市", true, {"曲尺村", "竹贤村"}},
      {"云阳县", "重庆市", true, {"龙角村", "南溪村"}},
      {"石柱土家族自治县", "重庆市", true, {"黄水村", "中益村"}},
      {"秀山土家族苗族自治县", "重庆市", true, {"清溪村", "梅江村"}},
      {"丰都县", "重庆市", true, {"三建村", "栗子村"}},
      {"元阳县", "云南省", true, {"箐口村", "大鱼塘村"}},
      {"宕昌县", "甘肃省", true, {"哈达铺村", "官亭村"}},
      {"科尔沁右翼前旗", "内蒙古自治区", true, {"索伦村", "归流河村"}},
      {"金寨县", "安徽省", false, {"大湾村", "花石村"}},
      {"平和县", "福建省", false, {"琯溪村", "坂仔村"}},
      {"汪清县", "吉林省", false, {"百草沟村", "天桥岭村"}},
      {"雷山县", "贵州省", true, {"西江村", "郎德村"}},
  };
  return counties;
}

}  // namespace

std::string seed_demo(const std::string& path) {
  storage::database_options o;
  o.path = path;
  storage::database db(o);
  const auto now = static_cast<unix_seconds>(std::time(nullptr));
  auto res = db.writer().submit_sync([now](storage::connection& c) -> result<std::pair<int, int>> {
    if (storage::count_counties(c) > 0) return error{errc::conflict, "the database already has counties"};
    int counties = 0, villages = 0;
    for (const auto& dc : demo_counties()) {
      const auto county = storage::insert_county(c, dc.name, dc.province, dc.poverty, now);
      ++counties;
      for (const auto* v : dc.villages) {
        if (!storage::insert_village(c, county.id, v, now)) return error{errc::conflict, "village insert failed"};
        ++villages;
      }
    }
    return std::pair{counties, villages};
  });
  if (!res) throw std::runtime_error("seed-demo: " + res.err().detail);
  return fmt::format("seeded {} counties and {} villages", res->first, res->second);
}

}  // namespace cunji::server
