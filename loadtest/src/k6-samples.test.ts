import { describe, expect, it } from 'vitest';
import { k6CsvRequestData } from './k6-samples.ts';

/** The header k6 v1 writes (tag columns vary by version; the parser finds its four by name). */
const HEADER =
  'metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags,metadata';
const row = (metric: string, timeMs: number, value: number, status: string) =>
  `${metric},${timeMs},${value.toFixed(6)},,,,true,,POST,http://127.0.0.1:3000/predict,HTTP/1.1,pr,,${status},,,http://127.0.0.1:3000/predict,,`;

describe('k6CsvRequestData', () => {
  it('keeps the 2xx http_req_duration by second of the run, and counts requests and errors per second', () => {
    const start = 1_764_460_800_000;
    const lines = [
      HEADER,
      row('http_reqs', start, 1, '200'),
      row('http_req_duration', start, 12.345678, '200'),
      row('http_req_waiting', start, 11.9, '200'),
      row('http_req_duration', start + 400, 30, '500'),
      row('http_req_duration', start + 999, 8.5, '200'),
      row('http_req_duration', start + 1_000, 9.25, '200'),
      row('shiftgate_status_200', start + 1_000, 1, ''),
      row('http_req_duration', start + 1_500, 60_000, '0'),
      row('http_req_duration', start + 1_600, 3, '429'),
      row('http_req_duration', start + 1_700, 4, '422'),
      row('http_req_duration', start + 2_600, 10, '200'),
      '',
    ];
    const data = k6CsvRequestData(lines, 'run.csv', 500);
    expect(data.latencySamples).toEqual([
      { second: 0, ms: [12.35, 8.5] },
      { second: 1, ms: [9.25] },
      { second: 2, ms: [10] },
    ]);
    // Bad as on the Node runner: the 500, the timeout (status 0) and the 429; the 422 is not.
    expect(data.timeline).toEqual([
      { second: 0, requests: 3, errors: 1, p50Ms: 8.5, p95Ms: 12.35 },
      { second: 1, requests: 4, errors: 2, p50Ms: 9.25, p95Ms: 9.25 },
      { second: 2, requests: 1, errors: 0, p50Ms: 10, p95Ms: 10 },
    ]);
  });

  it('starts second 0 at the earliest sample, not the first row, when k6 writes rows out of order', () => {
    const start = 1_764_460_800_000;
    // Many VUs' samples flushed in batches: the first row is 700 ms after the earliest one.
    const lines = [
      HEADER,
      row('http_req_duration', start + 700, 5, '200'),
      row('http_req_duration', start + 1_100, 6, '200'),
      row('http_req_duration', start, 7, '200'),
      row('http_req_duration', start + 950, 8, '500'),
      row('http_req_duration', start + 200, 9, '200'),
      row('http_req_duration', start + 2_050, 10, '200'),
      row('http_req_duration', start + 1_999, 11, '200'),
    ];
    const data = k6CsvRequestData(lines, 'run.csv', 500);
    expect(data.latencySamples).toEqual([
      { second: 0, ms: [5, 7, 9] },
      { second: 1, ms: [6, 11] },
      { second: 2, ms: [10] },
    ]);
    expect(data.timeline).toEqual([
      { second: 0, requests: 4, errors: 1, p50Ms: 7, p95Ms: 9 },
      { second: 1, requests: 2, errors: 0, p50Ms: 6, p95Ms: 11 },
      { second: 2, requests: 1, errors: 0, p50Ms: 10, p95Ms: 10 },
    ]);
  });

  it('finds its columns by name, whatever the order', () => {
    const lines = ['status,metric_value,timestamp,metric_name', '200,7,1000,http_req_duration'];
    expect(k6CsvRequestData(lines, 'run.csv', 500).latencySamples).toEqual([{ second: 0, ms: [7] }]);
  });

  it('keeps its columns when k6 quotes a tag holding commas or quotes (Go encoding/csv)', () => {
    // A transport failure's error tag and a URL with a comma: split on bare commas, status would read "refused".
    const quoted = (status: string, error: string, url: string) =>
      `http_req_duration,1000,7,,${error},1211,false,,POST,${url},HTTP/1.1,pr,,${status},,,${url},,`;
    const lines = [
      HEADER,
      quoted('0', '"dial tcp: connect: connection refused, retry ""later"""', 'http://h/predict'),
      quoted('200', '', '"http://h/predict?a=1,2"'),
    ];
    const data = k6CsvRequestData(lines, 'run.csv', 500);
    expect(data.latencySamples).toEqual([{ second: 0, ms: [7] }]);
    expect(data.timeline).toEqual([{ second: 0, requests: 2, errors: 1, p50Ms: 7, p95Ms: 7 }]);
  });

  it.each([
    [[], 'run.csv is empty: k6 wrote no CSV output'],
    [['time,value'], 'run.csv is not k6 CSV output'],
    [[HEADER, row('http_req_duration', Number.NaN, 1, '200')], 'non-numeric timestamp, value or status'],
  ])('refuses %j', (lines, message) => {
    expect(() => k6CsvRequestData(lines, 'run.csv', 500)).toThrow(message);
  });
});
