using System.Text;

namespace CaseGrains.Benchmarks;

/// <summary>A plain-text table: the first column left-aligned, the rest right-aligned, padded to the widest cell.</summary>
internal sealed class TextTable(params string[] headers)
{
    private readonly List<string[]> _rows = [];

    /// <summary>Adds a row; it must have one cell per header.</summary>
    public TextTable Add(params string[] cells)
    {
        if (cells.Length != headers.Length)
        {
            throw new ArgumentException($"Expected {headers.Length} cells, got {cells.Length}.", nameof(cells));
        }
        _rows.Add(cells);
        return this;
    }

    /// <inheritdoc />
    public override string ToString()
    {
        var widths = headers.Select((h, i) => _rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var text = new StringBuilder();
        void Line(string[] cells)
        {
            for (var i = 0; i < cells.Length; i++)
            {
                text.Append(i == 0 ? cells[i].PadRight(widths[i]) : "  " + cells[i].PadLeft(widths[i]));
            }
            text.Append('\n');
        }
        Line(headers);
        Line(widths.Select(w => new string('-', w)).ToArray());
        _rows.ForEach(Line);
        return text.ToString();
    }
}
