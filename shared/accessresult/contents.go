package accessresult

import "io"

// Contents is what the download page may say about a package: the names of its files and of
// the systems they come from, never the data in them (a mail scanner fetches that page).
type Contents struct {
	// Files are the package's own files at its top level, by name.
	Files []string
	// Systems are the systems searched, in the manifest's order, each with its files.
	Systems []ContentsSystem
}

// ContentsSystem is one system of a package and the files it contributed.
type ContentsSystem struct {
	Name  string
	Files []string
}

// ReadContents lists a stored package (the stored plan, NewPlan): its top-level files and each
// system's name and files. It reads only the plan's list, none of the files.
func ReadContents(r io.Reader) (*Contents, error) {
	p, err := ReadPlan(r)
	if err != nil {
		return nil, err
	}
	return p.Contents(), nil
}
