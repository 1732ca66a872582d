import {
  convertValue,
  currentValueMatches,
  decodeCustomFieldValue,
  formatDecimal,
  parseDate,
  parseNumber,
  readCurrentValue,
  type ConversionTarget,
  type RawValue,
} from '../../src/superoffice/value-conversion';

const udef = (type: ConversionTarget['type'], extra: Partial<ConversionTarget> = {}): ConversionTarget => ({
  kind: 'udef',
  type,
  label: 'Field',
  ...extra,
});
const standard = (
  type: ConversionTarget['type'],
  extra: Partial<ConversionTarget> = {},
): ConversionTarget => ({
  kind: 'standard',
  type,
  label: 'Field',
  ...extra,
});

const ok = (value: unknown, display: string) => ({ ok: true, value, display });
const bad = (reason: string) => ({ ok: false, reason });

describe('empty values are never written', () => {
  it.each<[RawValue]>([[null], [undefined], [''], ['   '], ['\t\n']])('%j is empty', (raw) => {
    for (const type of ['text', 'integer', 'decimal', 'date', 'datetime', 'checkbox', 'list'] as const) {
      expect(convertValue(raw, udef(type))).toEqual({ ok: false, reason: 'the value is empty', empty: true });
    }
  });
});

describe('text', () => {
  it.each<[RawValue, ConversionTarget, object]>([
    ['PO-2026-0042', standard('text'), ok('PO-2026-0042', 'PO-2026-0042')],
    ['  Nordlys ref 17  ', udef('text', { maxLength: 40 }), ok('Nordlys ref 17', 'Nordlys ref 17')],
    ['x'.repeat(40), udef('text', { maxLength: 40 }), ok('x'.repeat(40), 'x'.repeat(40))],
    [
      'x'.repeat(41),
      udef('text', { maxLength: 40, label: 'Customer reference' }),
      bad('the text is 41 characters long; "Customer reference" holds at most 40 characters'),
    ],
    [987654321, standard('text'), ok('987654321', '987654321')],
    ['Interiør ÆØÅ', udef('text', { maxLength: 12 }), ok('Interiør ÆØÅ', 'Interiør ÆØÅ')],
  ])('%j → %j', (raw, target, expected) => {
    expect(convertValue(raw, target)).toEqual(expected);
  });
});

describe('integer', () => {
  it.each<[RawValue, object]>([
    ['43', ok('43', '43')],
    [' 43 ', ok('43', '43')],
    ['43.0', ok('43', '43')],
    ['43,0', ok('43', '43')],
    ['+7', ok('7', '7')],
    ['-5', ok('-5', '-5')],
    ['-0', ok('0', '0')],
    ['1 000', ok('1000', '1000')],
    ['1.234.567', ok('1234567', '1234567')],
    [43, ok('43', '43')],
    ['43.5', bad('"43.5" is not a whole number')],
    ['abc', bad('"abc" is not a number')],
    ['4e3', bad('"4e3" is not a number')],
    ['43 kg', bad('"43 kg" is not a number')],
    ['12 34', bad('"12 34" is not a number')],
    ['43.000', bad('"43.000" is ambiguous: is it 43000 or 43.0? Write 43000 or 43.0')],
    ['3000000000', bad('"3000000000" is too large for a whole-number field')],
    [true, bad('true is not a number')],
  ])('custom field: %j → %j', (raw, expected) => {
    expect(convertValue(raw, udef('integer'))).toEqual(expected);
  });

  it('keeps a number for a standard field and checks its range', () => {
    const probability = standard('integer', { label: 'Probability %', range: { min: 0, max: 100 } });
    expect(convertValue('75', probability)).toEqual(ok(75, '75'));
    expect(convertValue('0', probability)).toEqual(ok(0, '0'));
    expect(convertValue('101', probability)).toEqual(
      bad('"101" is outside 0–100, the range of "Probability %"'),
    );
  });
});

describe('decimal', () => {
  it.each<[RawValue, object]>([
    ['12.5', ok('12.5', '12.5')],
    ['12,5', ok('12.5', '12.5')],
    ['1 234,50', ok('1234.5', '1234.5')],
    ['1\u00a0234,50', ok('1234.5', '1234.5')],
    ['1.234,50', ok('1234.5', '1234.5')],
    ['1,234.50', ok('1234.5', '1234.5')],
    ['1 234.5', ok('1234.5', '1234.5')],
    ['0,125', ok('0.125', '0.125')],
    [',5', ok('0.5', '0.5')],
    ['-3,75', ok('-3.75', '-3.75')],
    ['42', ok('42', '42')],
    [12.5, ok('12.5', '12.5')],
    ['1,234', bad('"1,234" is ambiguous: is it 1234 or 1.234? Write 1234 or 1.234')],
    ['12.500', bad('"12.500" is ambiguous: is it 12500 or 12.5? Write 12500 or 12.5')],
    ['12,5 %', bad('"12,5 %" is not a number')],
    ['12..5', bad('"12..5" is not a number')],
    ['1,2,3', bad('"1,2,3" is not a number')],
    ['1.234,5.6', bad('"1.234,5.6" is not a number')],
    ['kr 100', bad('"kr 100" is not a number')],
    ['1e20', bad('"1e20" is not a number')],
    ['2000000000000000', bad('2000000000000000 is too large')],
  ])('custom field: %j → %j', (raw, expected) => {
    expect(convertValue(raw, udef('decimal'))).toEqual(expected);
  });

  it('keeps a number for a standard field (Amount)', () => {
    expect(convertValue('1 234,50', standard('decimal'))).toEqual(ok(1234.5, '1234.5'));
  });
});

describe('date and date-time', () => {
  it.each<[RawValue, object]>([
    ['2026-12-15', ok('2026-12-15', '2026-12-15')],
    ['2026-1-5', ok('2026-01-05', '2026-01-05')],
    ['15.12.2026', ok('2026-12-15', '2026-12-15')],
    ['5.1.2026', ok('2026-01-05', '2026-01-05')],
    ['2026.12.15', ok('2026-12-15', '2026-12-15')],
    ['2026/12/15', ok('2026-12-15', '2026-12-15')],
    ['2026-12-15T23:30:00+0100', ok('2026-12-15', '2026-12-15')],
    ['2024-02-29', ok('2024-02-29', '2024-02-29')],
    [
      '15/12/2026',
      bad(
        '"15/12/2026" is ambiguous (day/month or month/day?): write it as 2026-12-15 (year-month-day) or 15.12.2026 (day.month.year)',
      ),
    ],
    [
      '12/15/2026',
      bad(
        '"12/15/2026" is ambiguous (day/month or month/day?): write it as 2026-12-15 (year-month-day) or 15.12.2026 (day.month.year)',
      ),
    ],
    [
      '15-12-2026',
      bad(
        '"15-12-2026" is ambiguous (day/month or month/day?): write it as 2026-12-15 (year-month-day) or 15.12.2026 (day.month.year)',
      ),
    ],
    [
      '15 Dec 2026',
      bad(
        '"15 Dec 2026" is not a date: write it as 2026-12-15 (year-month-day) or 15.12.2026 (day.month.year)',
      ),
    ],
    ['2025-02-29', bad('"2025-02-29" is not a date that exists')],
    ['2026-13-01', bad('"2026-13-01" is not a date that exists')],
    ['31.04.2026', bad('"31.04.2026" is not a date that exists')],
    ['0000-01-01', bad('"0000-01-01" is not a date that exists')],
  ])('date: %j → %j', (raw, expected) => {
    expect(convertValue(raw, udef('date'))).toEqual(expected);
  });

  it.each<[RawValue, object]>([
    ['2026-12-15', ok('2026-12-15T00:00:00', '2026-12-15')],
    ['15.12.2026', ok('2026-12-15T00:00:00', '2026-12-15')],
    ['2026-12-15T10:30', ok('2026-12-15T10:30:00', '2026-12-15 10:30')],
    ['2026-12-15 10:30:05', ok('2026-12-15T10:30:05', '2026-12-15 10:30')],
    ['2020-06-30T07:15:23+0000', ok('2020-06-30T07:15:23+00:00', '2020-06-30 07:15 +00:00')],
    ['2026-12-15T10:30:00Z', ok('2026-12-15T10:30:00Z', '2026-12-15 10:30 Z')],
    ['2026-12-15T24:00:00', bad('"2026-12-15T24:00:00" is not a time that exists')],
  ])('standard date-time (Saledate): %j → %j', (raw, expected) => {
    expect(convertValue(raw, standard('datetime'))).toEqual(expected);
  });
});

describe('checkbox', () => {
  it.each<[RawValue, string]>([
    ['1', '1'],
    ['0', '0'],
    [1, '1'],
    [0, '0'],
    [true, '1'],
    [false, '0'],
    ['true', '1'],
    ['FALSE', '0'],
    ['Yes', '1'],
    ['no', '0'],
    ['JA', '1'],
    ['nej', '0'],
    ['nei', '0'],
    ['checked', '1'],
    ['Unchecked', '0'],
    [' on ', '1'],
    ['off', '0'],
  ])('custom field: %j → %j', (raw, expected) => {
    expect(convertValue(raw, udef('checkbox'))).toEqual(
      ok(expected, expected === '1' ? 'checked' : 'unchecked'),
    );
  });

  it.each<[RawValue]>([['2'], ['maybe'], ['y'], [0.5]])('rejects %j', (raw) => {
    expect(convertValue(raw, udef('checkbox'))).toEqual(
      bad(`"${String(raw)}" is not a checkbox value: use 1 or 0 (also true/false, yes/no, ja/nej)`),
    );
  });

  it('writes booleans to a standard field (NoMailing)', () => {
    expect(convertValue('ja', standard('checkbox'))).toEqual(ok(true, 'checked'));
    expect(convertValue('0', standard('checkbox'))).toEqual(ok(false, 'unchecked'));
  });
});

describe('list', () => {
  const deliveryMethod = udef('list', {
    label: 'Delivery method',
    listItems: [
      { id: 1, name: 'Courier' },
      { id: 2, name: 'Pick-up' },
      { id: 3, name: 'Freight' },
    ],
  });

  it.each<[RawValue, object]>([
    ['Freight', ok('3', 'Freight')],
    ['  freight ', ok('3', 'Freight')],
    ['PICK-UP', ok('2', 'Pick-up')],
    [
      'Drone',
      bad('"Drone" is not an item of the list "Delivery method"; the items are: Courier, Pick-up, Freight'),
    ],
    ['3', bad('"3" is not an item of the list "Delivery method"; the items are: Courier, Pick-up, Freight')],
  ])('%j → %j', (raw, expected) => {
    expect(convertValue(raw, deliveryMethod)).toEqual(expected);
  });

  it('says so when the list is empty or its items are unknown', () => {
    expect(convertValue('Freight', udef('list', { label: 'L', listItems: [] }))).toEqual(
      bad('"Freight" is not an item of the list "L"; the items are: none (the list is empty)'),
    );
    expect(convertValue('Freight', udef('list', { label: 'L' }))).toEqual(
      bad('the items of the list "L" are not known'),
    );
  });
});

it('refuses to write an unsupported type', () => {
  expect(convertValue('x', udef('unsupported', { label: 'Attachment' }))).toEqual(
    bad('"Attachment" has a type Smart Sync cannot write'),
  );
});

describe('helpers', () => {
  it('parseNumber and formatDecimal', () => {
    expect(parseNumber(' 1 234 567,891 ')).toEqual({ ok: true, value: 1234567.891 });
    expect(parseNumber(Number.NaN)).toEqual({ ok: false, reason: 'NaN is not a number' });
    expect(formatDecimal(0.0000001)).toBe('0.0000001');
    expect(formatDecimal(12.5)).toBe('12.5');
  });

  it('parseDate keeps the time and offset', () => {
    expect(parseDate('2026-12-15T10:30:00-05:00')).toEqual({
      ok: true,
      value: { year: 2026, month: 12, day: 15, time: { hour: 10, minute: 30, second: 0 }, offset: '-05:00' },
    });
  });

  it.each([
    ['[I:43]', '43'],
    ['[F:12.5]', '12.5'],
    ['[D:2026.12.15]', '2026-12-15'],
    ['[D:09.11.2017]', '09.11.2017'],
    ['plain text', 'plain text'],
    ['[not encoded', '[not encoded'],
  ])('decodeCustomFieldValue(%j) = %j', (encoded, plain) => {
    expect(decodeCustomFieldValue(encoded)).toBe(plain);
  });

  it('readCurrentValue follows patch paths case-insensitively', () => {
    const sale = { Number: 'A-1', CustomFields: { 'SuperOffice:2': '[D:2026.12.15]' } };
    expect(readCurrentValue(sale, 'Number')).toBe('A-1');
    expect(readCurrentValue(sale, 'customfields/superoffice:2')).toBe('[D:2026.12.15]');
    expect(readCurrentValue(sale, 'CustomFields/SuperOffice:9')).toBeUndefined();
    expect(readCurrentValue(sale, 'Number/Deeper')).toBeUndefined();
  });

  it.each<[ConversionTarget, string | number | boolean, unknown, boolean]>([
    [udef('integer'), '43', '[I:43]', true],
    [udef('integer'), '43', '[I:42]', false],
    [udef('decimal'), '12.5', '[F:12.5]', true],
    [udef('date'), '2026-12-15', '[D:2026.12.15]', true],
    [udef('date'), '2026-12-15', '[D:2026.12.16]', false],
    [udef('checkbox'), '1', '[I:1]', true],
    [udef('checkbox'), '0', '[I:1]', false],
    [udef('list'), '3', '[I:3]', true],
    [udef('text'), 'Nordlys ref 17', 'Nordlys ref 17', true],
    [udef('text'), 'a', '', false],
    [udef('integer'), '0', '', false],
    [standard('text'), '987654321', '', false],
    [standard('decimal'), 1234.5, 1234.5, true],
    [standard('datetime'), '2026-12-15T00:00:00', '2026-12-15T00:00:00Z', true],
    [standard('checkbox'), true, true, true],
    [standard('checkbox'), false, true, false],
    [standard('text'), 'x', null, false],
  ])('currentValueMatches(%j, %j, %j) = %j', (target, planned, current, expected) => {
    expect(currentValueMatches(target, planned, current)).toBe(expected);
  });
});
