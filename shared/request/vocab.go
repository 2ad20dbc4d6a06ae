package request

import "slices"

// The domain's words. Each is a string type with its values as constants, an ordered list of
// every value (form and page order), and Valid. The values are what the API, the profile, the
// store and the letters spell; the texts for them live in the catalogue (shared/i18n).

// Statuses lists every case status in the order a case meets them.
var Statuses = []Status{AwaitingConfirmation, AwaitingIdentity, InProgress, AwaitingThirdParty, AwaitingApproval, Decided, Closed, Expired}

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return slices.Contains(Statuses, s) }

// Outcome is the answer a decision gives (docs/contract.md §3).
type Outcome string

const (
	Granted       Outcome = "granted"
	PartlyGranted Outcome = "partly_granted"
	Refused       Outcome = "refused"
)

// Outcomes lists every outcome.
var Outcomes = []Outcome{Granted, PartlyGranted, Refused}

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool { return slices.Contains(Outcomes, o) }

// Limited reports whether the outcome refuses or limits the request: it must then be motivated
// and, except for a complaint, name its ground (docs/rules.md §4–5).
func (o Outcome) Limited() bool { return o == PartlyGranted || o == Refused }

// Ground is a reason to refuse or limit a request (docs/rules.md §5). A ground fits only the
// request types it is made for (Fits): a refusal never borrows a ground that is not the real
// reason, and a complaint decision has none.
type Ground string

const (
	StateSecurity      Ground = "state_security"
	ProtectionOfRights Ground = "protection_of_rights"
	EconomicInterest   Ground = "economic_interest"
	CrimePrevention    Ground = "crime_prevention"
	// CivilClaims (UAVG 41(1)(j)) withholds only the data whose disclosure would prejudice
	// enforcing a specific civil claim, never the request as a whole.
	CivilClaims            Ground = "civil_claims"
	ManifestlyUnfounded    Ground = "manifestly_unfounded"
	Excessive              Ground = "excessive"
	RequiredByLaw          Ground = "required_by_law"
	IdentityNotEstablished Ground = "identity_not_established"
	// RepresentationNotProven: the representative did not prove their authority (docs/rules.md §1).
	RepresentationNotProven Ground = "representation_not_proven"
	// Accurate: the data is correct (GDPR 16); the letter says which evidence would change that.
	Accurate            Ground = "accurate"
	NoErasureGround     Ground = "no_erasure_ground" // GDPR 17(1) does not apply
	LegalObligation     Ground = "legal_obligation"  // GDPR 17(3)(b)
	LegalClaims         Ground = "legal_claims"      // GDPR 17(3)(e), 21(1)
	CompellingGrounds   Ground = "compelling_grounds"
	NoRestrictionGround Ground = "no_restriction_ground" // GDPR 18(1) does not apply
	NoPortabilityGround Ground = "no_portability_ground" // GDPR 20(1) does not apply
)

// Grounds lists every ground in the order of docs/contract.md §3: the restrictions of GDPR 23
// first, then those of GDPR 12, then the grounds of one right.
var Grounds = []Ground{StateSecurity, ProtectionOfRights, EconomicInterest, CrimePrevention, CivilClaims,
	ManifestlyUnfounded, Excessive, RequiredByLaw, IdentityNotEstablished, RepresentationNotProven, Accurate,
	NoErasureGround, LegalObligation, LegalClaims, CompellingGrounds, NoRestrictionGround, NoPortabilityGround}

// Valid reports whether g is a known ground.
func (g Ground) Valid() bool { return slices.Contains(Grounds, g) }

// generalGrounds fit every request type but a complaint (docs/rules.md §5).
var generalGrounds = []Ground{StateSecurity, ProtectionOfRights, EconomicInterest, CrimePrevention, CivilClaims,
	ManifestlyUnfounded, Excessive, IdentityNotEstablished, RepresentationNotProven}

// typeGrounds are the grounds of one right, beside the general ones (docs/rules.md §5).
var typeGrounds = map[Type][]Ground{
	Rectification: {Accurate},
	Erasure:       {NoErasureGround, LegalObligation, LegalClaims},
	Objection:     {CompellingGrounds, LegalClaims, RequiredByLaw},
	Restriction:   {NoRestrictionGround},
	Portability:   {NoPortabilityGround},
}

// GroundsFor lists the grounds that fit a request of type t, in the order of Grounds: none for
// a complaint, whose decision is motivated but restricts no right.
func GroundsFor(t Type) []Ground {
	if t == Complaint || !t.Valid() {
		return nil
	}
	var out []Ground
	for _, g := range Grounds {
		if slices.Contains(generalGrounds, g) || slices.Contains(typeGrounds[t], g) {
			out = append(out, g)
		}
	}
	return out
}

// Fits reports whether g may be named for a request of type t.
func (g Ground) Fits(t Type) bool { return slices.Contains(GroundsFor(t), g) }

// Partial reports whether g can only limit an answer, never refuse the request as a whole:
// civil_claims withholds only the data that would prejudice a specific claim (UAVG 41(1)(j)).
func (g Ground) Partial() bool { return g == CivilClaims }

// DocumentType is the kind of identity document staff checked (docs/contract.md §3).
type DocumentType string

const (
	Passport        DocumentType = "passport"
	IDCard          DocumentType = "id_card"
	DrivingLicence  DocumentType = "driving_licence"
	ResidencePermit DocumentType = "residence_permit"
	OtherDocument   DocumentType = "other"
)

// DocumentTypes lists every document type in page order.
var DocumentTypes = []DocumentType{Passport, IDCard, DrivingLicence, ResidencePermit, OtherDocument}

// Valid reports whether d is a known document type.
func (d DocumentType) Valid() bool { return slices.Contains(DocumentTypes, d) }

// IdentityOutcome is the result of checking proof of identity.
type IdentityOutcome string

const (
	IdentityVerified IdentityOutcome = "verified"
	IdentityRejected IdentityOutcome = "rejected"
)

// IdentityOutcomes lists every identity outcome.
var IdentityOutcomes = []IdentityOutcome{IdentityVerified, IdentityRejected}

// Valid reports whether o is a known identity outcome.
func (o IdentityOutcome) Valid() bool { return slices.Contains(IdentityOutcomes, o) }

// Channel is how a request reached the organisation.
type Channel string

const (
	ChannelWeb     Channel = "web"
	ChannelPhone   Channel = "phone"
	ChannelLetter  Channel = "letter"
	ChannelCounter Channel = "counter"
	ChannelEmail   Channel = "email"
)

// Channels lists every channel, the public form first.
var Channels = []Channel{ChannelWeb, ChannelPhone, ChannelLetter, ChannelCounter, ChannelEmail}

// Valid reports whether c is a known channel.
func (c Channel) Valid() bool { return slices.Contains(Channels, c) }

// Told reports whether c is a way the requester can tell staff something outside the form:
// by e-mail, letter, phone or at the counter (intake, and how a withdrawal reached us).
func (c Channel) Told() bool { return c.Valid() && c != ChannelWeb }

// VerificationMethod is how staff established who the requester is (docs/rules.md §2: the least
// intrusive method that suffices).
type VerificationMethod string

const (
	VerifyKnownData VerificationMethod = "known_data" // details only the requester knows, checked against our records
	VerifyInPerson  VerificationMethod = "in_person"  // a document shown at the counter; no copy is made
	VerifyIDCopy    VerificationMethod = "id_copy"    // a masked copy, deleted once checked
)

// VerificationMethods lists every method, least intrusive first.
var VerificationMethods = []VerificationMethod{VerifyKnownData, VerifyInPerson, VerifyIDCopy}

// Valid reports whether m is a known verification method.
func (m VerificationMethod) Valid() bool { return slices.Contains(VerificationMethods, m) }

// Relation is how the subject relates to the organisation, as given on the form.
type Relation string

const (
	RelationTenant    Relation = "tenant"
	RelationApplicant Relation = "applicant"
	RelationBuyer     Relation = "buyer"
	RelationOwner     Relation = "owner"
	RelationResident  Relation = "resident"
	RelationOther     Relation = "other"
)

// Relations lists every relation in form order.
var Relations = []Relation{RelationTenant, RelationApplicant, RelationBuyer, RelationOwner, RelationResident, RelationOther}

// Valid reports whether r is a known relation. The relation is optional: "" is not valid here,
// but a submission may leave it out.
func (r Relation) Valid() bool { return slices.Contains(Relations, r) }

// Capacity is in what role a legal representative acts (docs/rules.md §1).
type Capacity string

const (
	CapacityParent   Capacity = "parent"
	CapacityGuardian Capacity = "guardian"
	CapacityCurator  Capacity = "curator"
	CapacityMentor   Capacity = "mentor"
	CapacityOther    Capacity = "other"
)

// Capacities lists every capacity in form order.
var Capacities = []Capacity{CapacityParent, CapacityGuardian, CapacityCurator, CapacityMentor, CapacityOther}

// Valid reports whether c is a known capacity.
func (c Capacity) Valid() bool { return slices.Contains(Capacities, c) }

// ThirdPartyAnswer is a consulted third party's answer, or what the term passing means.
type ThirdPartyAnswer string

const (
	ThirdPartyPending ThirdPartyAnswer = ""
	ThirdPartyAgrees  ThirdPartyAnswer = "agree"
	ThirdPartyObjects ThirdPartyAnswer = "object"
	ThirdPartySilent  ThirdPartyAnswer = "none" // the term passed without an answer
)

// Strings returns the values of a list as plain strings, e.g. for a form's options.
func Strings[T ~string](list []T) []string {
	out := make([]string, len(list))
	for i, v := range list {
		out[i] = string(v)
	}
	return out
}

// FeeBasis is why a fee may be charged on a request under GDPR 15-22, which is otherwise free
// (docs/rules.md §4).
type FeeBasis string

// The only grounds for a fee.
const (
	FeeExcessive   FeeBasis = "excessive"    // a manifestly unfounded or excessive request (GDPR 12(5)(a))
	FeeFurtherCopy FeeBasis = "further_copy" // a further copy of the data (GDPR 15(3)); access only
)

// Corrects reports whether a granted request of type t changes what the organisation holds or
// how it uses it, so that the recipients of the data must be told (GDPR 19): rectification,
// erasure and restriction.
func Corrects(t Type) bool { return t == Rectification || t == Erasure || t == Restriction }
