package validate

import (
	"sort"
	"strings"
)

// iso3166 lists the 249 officially assigned ISO 3166-1 codes as "alpha-2 alpha-3" pairs,
// one line per initial letter of the alpha-2 code, in alphabetical order. It is written
// out here, not loaded from a library, so the check does not change when a dependency
// updates its region data (CLDR also knows user-assigned and deprecated codes such as XK
// and AN, which ISO 3166-1 does not assign). Exceptionally reserved codes (UK, EU, ...)
// are not country codes and are left out on purpose.
//
// ODM 1.3.2 section 3.1.2.1.11 asks for the alpha-2 code; the ODM 2.0 wiki asks for the
// alpha-3 code, so 2.0 files may use either.
const iso3166 = `
AD:AND AE:ARE AF:AFG AG:ATG AI:AIA AL:ALB AM:ARM AO:AGO AQ:ATA AR:ARG AS:ASM AT:AUT AU:AUS AW:ABW AX:ALA AZ:AZE
BA:BIH BB:BRB BD:BGD BE:BEL BF:BFA BG:BGR BH:BHR BI:BDI BJ:BEN BL:BLM BM:BMU BN:BRN BO:BOL BQ:BES BR:BRA BS:BHS BT:BTN BV:BVT BW:BWA BY:BLR BZ:BLZ
CA:CAN CC:CCK CD:COD CF:CAF CG:COG CH:CHE CI:CIV CK:COK CL:CHL CM:CMR CN:CHN CO:COL CR:CRI CU:CUB CV:CPV CW:CUW CX:CXR CY:CYP CZ:CZE
DE:DEU DJ:DJI DK:DNK DM:DMA DO:DOM DZ:DZA
EC:ECU EE:EST EG:EGY EH:ESH ER:ERI ES:ESP ET:ETH
FI:FIN FJ:FJI FK:FLK FM:FSM FO:FRO FR:FRA
GA:GAB GB:GBR GD:GRD GE:GEO GF:GUF GG:GGY GH:GHA GI:GIB GL:GRL GM:GMB GN:GIN GP:GLP GQ:GNQ GR:GRC GS:SGS GT:GTM GU:GUM GW:GNB GY:GUY
HK:HKG HM:HMD HN:HND HR:HRV HT:HTI HU:HUN
ID:IDN IE:IRL IL:ISR IM:IMN IN:IND IO:IOT IQ:IRQ IR:IRN IS:ISL IT:ITA
JE:JEY JM:JAM JO:JOR JP:JPN
KE:KEN KG:KGZ KH:KHM KI:KIR KM:COM KN:KNA KP:PRK KR:KOR KW:KWT KY:CYM KZ:KAZ
LA:LAO LB:LBN LC:LCA LI:LIE LK:LKA LR:LBR LS:LSO LT:LTU LU:LUX LV:LVA LY:LBY
MA:MAR MC:MCO MD:MDA ME:MNE MF:MAF MG:MDG MH:MHL MK:MKD ML:MLI MM:MMR MN:MNG MO:MAC MP:MNP MQ:MTQ MR:MRT MS:MSR MT:MLT MU:MUS MV:MDV MW:MWI MX:MEX MY:MYS MZ:MOZ
NA:NAM NC:NCL NE:NER NF:NFK NG:NGA NI:NIC NL:NLD NO:NOR NP:NPL NR:NRU NU:NIU NZ:NZL
OM:OMN
PA:PAN PE:PER PF:PYF PG:PNG PH:PHL PK:PAK PL:POL PM:SPM PN:PCN PR:PRI PS:PSE PT:PRT PW:PLW PY:PRY
QA:QAT
RE:REU RO:ROU RS:SRB RU:RUS RW:RWA
SA:SAU SB:SLB SC:SYC SD:SDN SE:SWE SG:SGP SH:SHN SI:SVN SJ:SJM SK:SVK SL:SLE SM:SMR SN:SEN SO:SOM SR:SUR SS:SSD ST:STP SV:SLV SX:SXM SY:SYR SZ:SWZ
TC:TCA TD:TCD TF:ATF TG:TGO TH:THA TJ:TJK TK:TKL TL:TLS TM:TKM TN:TUN TO:TON TR:TUR TT:TTO TV:TUV TW:TWN TZ:TZA
UA:UKR UG:UGA UM:UMI US:USA UY:URY UZ:UZB
VA:VAT VC:VCT VE:VEN VG:VGB VI:VIR VN:VNM VU:VUT
WF:WLF WS:WSM
YE:YEM YT:MYT
ZA:ZAF ZM:ZMB ZW:ZWE
`

// isCountryAlpha2 reports whether s is an assigned ISO 3166-1 alpha-2 code. Codes are
// upper case by definition; "de" is not accepted, since ODM compares text exactly.
func isCountryAlpha2(s string) bool {
	if len(s) != 2 || !upper(s) {
		return false
	}
	// The list is in order of alpha-2 code, an entry every 7 bytes after its first line
	// feed ("AD:AND" and a space or a line feed; TestCountryList holds it to that): a
	// binary search of 8 steps. A substring search of the list, which stopped at each
	// code's first letter, was 5% of checking an export with an address per user.
	n := (len(iso3166) - 1) / 7
	code := func(i int) string { return iso3166[1+7*i : 3+7*i] }
	i := sort.Search(n, func(i int) bool { return code(i) >= s })
	return i < n && code(i) == s
}

// isCountryAlpha3 reports whether s is an assigned ISO 3166-1 alpha-3 code.
func isCountryAlpha3(s string) bool {
	// In the list a colon precedes an alpha-3 code, and nothing else.
	return len(s) == 3 && upper(s) && strings.Contains(iso3166, ":"+s)
}

func upper(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}
