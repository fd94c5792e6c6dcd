/** The example request body: every benchmark times the same single-household prediction. */
export const EXAMPLE_PREDICT_BODY = JSON.stringify({
  area: 'tokyo',
  householdSize: 3,
  housing: 'apartment',
  allElectric: false,
  knownUsage: { month: 8, kwh: 420 },
});
