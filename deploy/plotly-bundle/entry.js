// The plotly.js that ESSA Dash's charts need, and nothing else: core (scatter, shapes,
// annotations, legend, hover, modebar, colour bars) plus the trace types below.
// Adding a chart with another trace type? Add it here and to TRACES in build.sh.
'use strict';

var Plotly = require('plotly.js/lib/core');

Plotly.register([
    require('plotly.js/lib/bar'),
    require('plotly.js/lib/heatmap'),
    require('plotly.js/lib/choropleth'),
    require('plotly.js/lib/scattergeo'),
]);

module.exports = Plotly;
