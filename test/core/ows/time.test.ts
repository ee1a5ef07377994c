import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import { OwsException } from '../../../core/ows/exceptions.js';
import { addDuration, expandPeriod, parseDuration, parseInstant, parseTime, parseTimeValue, timeContains, type TimePeriod } from '../../../core/ows/time.js';

const iso = (d: Date | null) => (d === null ? null : d.toISOString());

function range(text: string, options = {}): [string | null, string | null] {
  const v = parseTimeValue(text, options);
  return [iso(v.begin), iso(v.end)];
}

function refused(text: string, message: RegExp, options: { locator?: string; allowList?: boolean; allowIntervals?: boolean } = {}): void {
  assert.throws(() => parseTime(text, options), (err: unknown) => {
    assert.ok(err instanceof OwsException, String(err));
    assert.equal(err.code, 'InvalidParameterValue');
    assert.equal(err.status, 400);
    assert.equal(err.locator, options.locator ?? 'TIME');
    assert.match(err.message, message);
    return true;
  }, text);
}

describe('core/ows/time', () => {
  describe('instants', () => {
    it('widens reduced precision to the unit it names', () => {
      assert.deepEqual(range('2020'), ['2020-01-01T00:00:00.000Z', '2020-12-31T23:59:59.999Z']);
      assert.deepEqual(range('2020-05'), ['2020-05-01T00:00:00.000Z', '2020-05-31T23:59:59.999Z']);
      assert.deepEqual(range('2020-02'), ['2020-02-01T00:00:00.000Z', '2020-02-29T23:59:59.999Z']);
      assert.deepEqual(range('2020-05-17'), ['2020-05-17T00:00:00.000Z', '2020-05-17T23:59:59.999Z']);
      assert.deepEqual(range('2020-05-17T10'), ['2020-05-17T10:00:00.000Z', '2020-05-17T10:59:59.999Z']);
      assert.deepEqual(range('2020-05-17T10:30Z'), ['2020-05-17T10:30:00.000Z', '2020-05-17T10:30:59.999Z']);
    });

    it('reads full date-times as one instant, in UTC, with zones and fractions', () => {
      assert.deepEqual(range('2020-05-17T10:30:15Z'), ['2020-05-17T10:30:15.000Z', '2020-05-17T10:30:15.000Z']);
      assert.deepEqual(range('2020-05-17T10:30:15.25+02:00'), ['2020-05-17T08:30:15.250Z', '2020-05-17T08:30:15.250Z']);
      assert.deepEqual(range('2020-05-17T10:30:15-0530'), ['2020-05-17T16:00:15.000Z', '2020-05-17T16:00:15.000Z']);
      assert.deepEqual(range('2020-05-17T10:30:15'), ['2020-05-17T10:30:15.000Z', '2020-05-17T10:30:15.000Z']);
      assert.deepEqual(range('2020-05-17T24:00:00Z'), ['2020-05-18T00:00:00.000Z', '2020-05-18T00:00:00.000Z']);
      const v = parseTimeValue('2020-05-17T10:30:15.123456Z');
      assert.equal(v.kind, 'instant');
      assert.equal(v.kind === 'instant' && v.resolution, 'second');
      assert.equal(iso(v.begin), '2020-05-17T10:30:15.123Z');
    });

    it("reads 'current' as now when the service says what now is", () => {
      const now = new Date('2024-01-02T03:04:05Z');
      assert.deepEqual(parseTime('current', { now }).map((v) => iso(v.begin)), ['2024-01-02T03:04:05.000Z']);
      refused('current', /not an ISO 8601 time/);
    });

    it('refuses impossible dates and times', () => {
      for (const bad of ['2021-02-29', '2020-13', '2020-00', '2020-04-31', '2020-05-17T25:00Z', '2020-05-17T10:60Z', '2020-05-17T24:00:01Z', '2020-05-17T10:00:00+19:00', '20-05-17', '2020/05/17', '2020-5-17', 'May 2020', '2020-05-17 10:00']) {
        assert.equal(parseInstant(bad), undefined, bad);
      }
      refused('2021-02-29', /'2021-02-29' is not an ISO 8601 time/);
    });
  });

  describe('durations', () => {
    it('reads every component, weeks and fractions of the last one', () => {
      assert.deepEqual(parseDuration('P1Y2M10DT2H30M'), { years: 1, months: 2, weeks: 0, days: 10, hours: 2, minutes: 30, seconds: 0 });
      assert.deepEqual(parseDuration('P2W'), { years: 0, months: 0, weeks: 2, days: 0, hours: 0, minutes: 0, seconds: 0 });
      assert.equal(parseDuration('PT0.5S')?.seconds, 0.5);
      assert.equal(parseDuration('PT1,5H')?.hours, 1.5);
      for (const bad of ['P', 'PT', 'P1YT', '1Y', 'P1.5Y', 'P1.5DT2H', 'P-1D', 'PT1D', 'P1S']) assert.equal(parseDuration(bad), undefined, bad);
    });

    it('adds calendar parts by the calendar, clamping the day', () => {
      assert.equal(addDuration(new Date('2020-01-31T00:00:00Z'), parseDuration('P1M')!).toISOString(), '2020-02-29T00:00:00.000Z');
      assert.equal(addDuration(new Date('2020-03-31T12:00:00Z'), parseDuration('P1M')!, -1).toISOString(), '2020-02-29T12:00:00.000Z');
      assert.equal(addDuration(new Date('2020-01-01T00:00:00Z'), parseDuration('P1Y2M10DT2H30M')!).toISOString(), '2021-03-11T02:30:00.000Z');
    });
  });

  describe('intervals', () => {
    it('reads start/end, with each end widened to its precision', () => {
      assert.deepEqual(range('2020-01-01T00:00:00Z/2020-01-02T00:00:00Z'), ['2020-01-01T00:00:00.000Z', '2020-01-02T00:00:00.000Z']);
      assert.deepEqual(range('2020/2021'), ['2020-01-01T00:00:00.000Z', '2021-12-31T23:59:59.999Z']);
      assert.deepEqual(range('2020-05-01/2020-05-31'), ['2020-05-01T00:00:00.000Z', '2020-05-31T23:59:59.999Z']);
    });

    it('reads start/duration and duration/end', () => {
      assert.deepEqual(range('2020-01-01T00:00:00Z/P1M'), ['2020-01-01T00:00:00.000Z', '2020-02-01T00:00:00.000Z']);
      assert.deepEqual(range('PT6H/2020-01-01T12:00:00Z'), ['2020-01-01T06:00:00.000Z', '2020-01-01T12:00:00.000Z']);
      const v = parseTimeValue('2020-01-01/P1D');
      assert.equal(v.kind, 'interval');
      assert.equal(v.kind === 'interval' && v.duration?.days, 1);
    });

    it("reads open intervals with '..' or an empty side", () => {
      assert.deepEqual(range('../2020-01-01T00:00:00Z'), [null, '2020-01-01T00:00:00.000Z']);
      assert.deepEqual(range('2020-01-01T00:00:00Z/..'), ['2020-01-01T00:00:00.000Z', null]);
      assert.deepEqual(range('/2020'), [null, '2020-12-31T23:59:59.999Z']);
      assert.deepEqual(range('2020/'), ['2020-01-01T00:00:00.000Z', null]);
      assert.deepEqual(range('../..'), [null, null]);
    });

    it('refuses reversed, malformed and half-duration intervals', () => {
      refused('2021/2020', /ends before it begins/);
      refused('P1D/P2D', /two durations/);
      refused('../P1D', /needs a start/);
      refused('P1D/..', /needs an end/);
      refused('2020/P0D', /must not be zero/);
      refused('2020/P1X', /not an ISO 8601 duration/);
      refused('2020/2021/P1D/x', /too many/);
      refused('P1D', /is a duration/);
      refused('2020/2021', /a single time is expected/, { allowIntervals: false, locator: 'datetime' });
    });
  });

  describe('WMS periods start/end/period', () => {
    it('reads the period and expands its instants', () => {
      const [v] = parseTime('2000-01-31/2000-05-31/P1M');
      assert.equal(v.kind, 'period');
      const period = v as TimePeriod;
      assert.equal(period.period.months, 1);
      assert.deepEqual([iso(period.begin), iso(period.end)], ['2000-01-31T00:00:00.000Z', '2000-05-31T23:59:59.999Z']);
      assert.deepEqual(expandPeriod(period).map(iso), [
        '2000-01-31T00:00:00.000Z', '2000-02-29T00:00:00.000Z', '2000-03-31T00:00:00.000Z', '2000-04-30T00:00:00.000Z', '2000-05-31T00:00:00.000Z',
      ]);
    });

    it('refuses periods without both ends or with too many instants', () => {
      refused('../2020/P1D', /needs a start and an end/);
      refused('2020/2019/P1D', /ends before/);
      const [v] = parseTime('2000/2100/PT1S');
      assert.throws(() => expandPeriod(v as TimePeriod, 1000), (e: unknown) => e instanceof OwsException && /more than 1000 instants/.test(e.message));
    });
  });

  describe('lists', () => {
    it('reads comma-separated lists mixing instants, intervals and periods', () => {
      const list = parseTime('2020-01-01,2020-02-01/2020-02-10,2020-03-01/2020-03-31/P7D');
      assert.deepEqual(list.map((v) => v.kind), ['instant', 'interval', 'period']);
    });

    it('refuses empty items, empty values and lists where one value is expected', () => {
      refused('2020,,2021', /empty item/);
      refused('', /empty/);
      refused('2020,2021', /is a list/, { allowList: false });
      refused('2020,nope', /'nope' is not an ISO 8601 time/);
    });
  });

  it('tells whether an instant falls in a value, open ends included', () => {
    const [month] = parseTime('2020-05');
    assert.equal(timeContains(month, new Date('2020-05-31T23:59:59.999Z')), true);
    assert.equal(timeContains(month, new Date('2020-06-01T00:00:00Z')), false);
    const [open] = parseTime('2020/..');
    assert.equal(timeContains(open, Date.parse('2999-01-01T00:00:00Z')), true);
  });
});
