// Package markdown renders a report.View as Markdown.
//
// It sits at the end of the data flow:
//
//	store → report.Build → report.View → markdown.Render → report.md
//
// The layout lives in a text/template, by default the embedded
// templates/report.md.tmpl; --template FILE replaces it ([Load]). Templates
// get [Funcs]: md, mdn and mdlist escape strings from banners so that they
// cannot break a paragraph or a table (see [Escape]); num, pct and pctOf
// format numbers; date, yesno, plural and dash help with wording.
package markdown
