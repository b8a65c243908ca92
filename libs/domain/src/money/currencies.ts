/**
 * ISO 4217 minor units (exponent). Reference data (a standard, not a business policy), so it lives in code.
 * Currencies not listed in the exception tables have 2 minor digits.
 */
const ZERO_DIGITS = [
  'BIF',
  'CLP',
  'DJF',
  'GNF',
  'ISK',
  'JPY',
  'KMF',
  'KRW',
  'PYG',
  'RWF',
  'UGX',
  'UYI',
  'VND',
  'VUV',
  'XAF',
  'XOF',
  'XPF',
];
const THREE_DIGITS = ['BHD', 'IQD', 'JOD', 'KWD', 'LYD', 'OMR', 'TND'];
const FOUR_DIGITS = ['CLF', 'UYW'];

/** Active ISO 4217 codes (2024), for validation. */
export const ISO_4217_CODES: readonly string[] = (
  'AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BHD BIF BMD BND BOB BOV BRL BSD BTN BWP BYN BZD CAD CDF ' +
  'CHE CHF CHW CLF CLP CNY COP COU CRC CUP CVE CZK DJF DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GNF ' +
  'GTQ GYD HKD HNL HTG HUF IDR ILS INR IQD IRR ISK JMD JOD JPY KES KGS KHR KMF KPW KRW KWD KYD KZT LAK LBP LKR LRD ' +
  'LSL LYD MAD MDL MGA MKD MMK MNT MOP MRU MUR MVR MWK MXN MXV MYR MZN NAD NGN NIO NOK NPR NZD OMR PAB PEN PGK PHP ' +
  'PKR PLN PYG QAR RON RSD RUB RWF SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TND TOP ' +
  'TRY TTD TWD TZS UAH UGX USD USN UYI UYU UYW UZS VED VES VND VUV WST XAF XCD XOF XPF YER ZAR ZMW ZWG'
).split(' ');

const CODES = new Set(ISO_4217_CODES);

export const isKnownCurrency = (code: string): boolean => CODES.has(code);

/** Number of minor digits of an ISO 4217 currency (JPY 0, USD 2, KWD 3, CLF 4). Throws for an unknown code. */
export const minorUnits = (currencyCode: string): number => {
  if (!CODES.has(currencyCode)) throw new RangeError(`unknown ISO 4217 currency code: ${currencyCode}`);
  if (ZERO_DIGITS.includes(currencyCode)) return 0;
  if (THREE_DIGITS.includes(currencyCode)) return 3;
  if (FOUR_DIGITS.includes(currencyCode)) return 4;
  return 2;
};
