package mapping

import "slices"

// templateStudyKnown returns the study the Clinical One template is written for when the
// directory b read (prepared, its users not built yet) settles it, as clinicalOneStudy
// finds it from the directory and every user, so that the template is written in one
// read. clinicalOneStudy takes the studies that are not site studies and then the study
// of every assignment; an assignment's study is a block's study (a site study's parent),
// the study of a site's study version or only, the study a block without StudyOID is
// about (see resolve); a spec does not change it. When each of those is one of the
// studies already, the users add none: the answer is that one study (or none). With
// several studies, or one the users may add, ok is false and the users are read for it.
func (b *builder) templateStudyKnown(only string) (study string, ok bool) {
	var ids []string
	for _, s := range b.dir.Studies {
		if s.Parent == "" && s.ID != "" && !slices.Contains(ids, s.ID) {
			ids = append(ids, s.ID)
		}
	}
	if len(ids) > 1 {
		return "", false
	}
	known := func(st string) bool { return st == "" || slices.Contains(ids, st) }
	if !known(only) {
		return "", false
	}
	for i := range b.dir.Source.Blocks {
		if !known(b.blockAccess(i).study) {
			return "", false
		}
	}
	for _, s := range b.dir.Sites {
		for _, v := range s.Versions {
			if !known(v.Study) {
				return "", false
			}
		}
	}
	if len(ids) == 0 {
		return "", true
	}
	return ids[0], true
}
