package accessresult

// MaxExtractSize is the largest JSON or CSV extract a system owner may upload for a search task
// (docs/contract.md §3 "Search tasks").
const MaxExtractSize = 10 << 20

// ParseExtract reads a system owner's JSON or CSV extract with the rules of Parse (the same
// formats, guards and refusals), up to MaxExtractSize.
func ParseExtract(data []byte) (*Result, error) {
	return parseUpTo(data, MaxExtractSize, MaxCells, true)
}
