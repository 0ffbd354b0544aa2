'use strict';
// The harness in one require: see docs/testing.md ("Browser tests") for what each part does.
module.exports = {
  budgets: require('./budgets'),
  ...require('./browser'),
  ...require('./watch'),
  ...require('./inspect'),
  ...require('./axe'),
  ...require('./checks'),
  ...require('./audit'),
  ...require('./output'),
  ...require('./flow'),
  ...require('./cunji'),
  ...require('./alipay'),
};
