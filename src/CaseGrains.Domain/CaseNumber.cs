using System.Globalization;

namespace CaseGrains.Domain;

/// <summary>
/// 案件编号 — readable case numbers such as <c>2024-XF-0001</c> (信访) and <c>2024-JF-0001</c> (纠纷):
/// a four-digit year, the kind, and a sequence of at least four digits.
/// </summary>
public static class CaseNumber
{
    private const string PetitionCode = "XF";
    private const string DisputeCode = "JF";

    /// <summary>Formats a case number; the sequence is zero-padded to four digits and grows beyond 9999.</summary>
    public static string Format(int year, CaseKind kind, int sequence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(year, 1000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(year, 9999);
        ArgumentOutOfRangeException.ThrowIfLessThan(sequence, 1);
        return string.Create(CultureInfo.InvariantCulture, $"{year:D4}-{Code(kind)}-{sequence:D4}");
    }

    /// <summary>
    /// Parses a case number. Only the canonical form is accepted (no extra leading zeros, no
    /// lower case), so that one case has exactly one number.
    /// </summary>
    public static bool TryParse(string? id, out int year, out CaseKind kind, out int sequence)
    {
        year = 0;
        kind = default;
        sequence = 0;
        if (id is null || id.Length < 12 || id[4] != '-' || id[7] != '-')
        {
            return false;
        }

        var code = id.AsSpan(5, 2);
        CaseKind parsedKind;
        if (code.SequenceEqual(PetitionCode))
        {
            parsedKind = CaseKind.Petition;
        }
        else if (code.SequenceEqual(DisputeCode))
        {
            parsedKind = CaseKind.Dispute;
        }
        else
        {
            return false;
        }

        if (!AllAsciiDigits(id.AsSpan(0, 4)) || !AllAsciiDigits(id.AsSpan(8))
            || !int.TryParse(id.AsSpan(0, 4), NumberStyles.None, CultureInfo.InvariantCulture, out var y)
            || !int.TryParse(id.AsSpan(8), NumberStyles.None, CultureInfo.InvariantCulture, out var s)
            || y < 1000 || s < 1
            || Format(y, parsedKind, s) != id)
        {
            return false;
        }

        year = y;
        kind = parsedKind;
        sequence = s;
        return true;
    }

    /// <summary>True when <paramref name="id"/> is a canonical case number of the given kind.</summary>
    public static bool IsValid(string? id, CaseKind kind) => TryParse(id, out _, out var k, out _) && k == kind;

    private static string Code(CaseKind kind) => kind switch
    {
        CaseKind.Petition => PetitionCode,
        CaseKind.Dispute => DisputeCode,
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    private static bool AllAsciiDigits(ReadOnlySpan<char> s)
    {
        foreach (var c in s)
        {
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return s.Length > 0;
    }
}
