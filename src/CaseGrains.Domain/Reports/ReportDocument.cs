using System.Text;

namespace CaseGrains.Domain.Reports;

/// <summary>
/// 报告 — the caseload section of an annual report as a document: a title, the as-of line, and
/// sections with headings, paragraphs and at most one table each. Markdown, .docx and JSON all render
/// this one model, so the three always say the same.
/// </summary>
public sealed record ReportDocument(string Title, string Subtitle, IReadOnlyList<ReportSection> Sections);

/// <summary>A section: a heading of level 1 (一、) or 2 (（一）), its paragraphs, and an optional table.</summary>
public sealed record ReportSection(string Heading, int Level, IReadOnlyList<string> Paragraphs, ReportTable? Table = null);

/// <summary>A table: a header row and the rows, every cell as text.</summary>
public sealed record ReportTable(IReadOnlyList<string> Header, IReadOnlyList<IReadOnlyList<string>> Rows);

/// <summary>Renders a <see cref="ReportDocument"/> as Markdown (CommonMark with pipe tables).</summary>
public static class MarkdownReport
{
    /// <summary>The document as Markdown text.</summary>
    public static string Render(ReportDocument document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var md = new StringBuilder();
        md.Append("# ").AppendLine(document.Title).AppendLine();
        md.AppendLine(document.Subtitle).AppendLine();
        foreach (var section in document.Sections)
        {
            md.Append(new string('#', section.Level + 1)).Append(' ').AppendLine(section.Heading).AppendLine();
            foreach (var paragraph in section.Paragraphs)
            {
                md.AppendLine(paragraph).AppendLine();
            }
            if (section.Table is { } table)
            {
                md.Append("| ").Append(string.Join(" | ", table.Header.Select(Cell))).AppendLine(" |");
                md.Append('|').Append(string.Concat(table.Header.Select(_ => " --- |"))).AppendLine();
                foreach (var row in table.Rows)
                {
                    md.Append("| ").Append(string.Join(" | ", row.Select(Cell))).AppendLine(" |");
                }
                md.AppendLine();
            }
        }
        return md.ToString();
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ");
}
