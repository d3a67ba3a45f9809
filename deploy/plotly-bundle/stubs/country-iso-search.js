// Stands in for country-iso-search (67 kB: country-name patterns for locationmode 'country names').
// ESSA Dash's maps name countries by ISO-3 code only (build.sh checks the code); a name would find
// no country and plotly.js would log "Unrecognized country name" rather than draw a wrong one.
'use strict';

module.exports = {
    COUNTRIES: [],
    createLookup: function () {
        return { lookupAlpha3: function () { return undefined; } };
    },
};
