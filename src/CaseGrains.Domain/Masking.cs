using System.Globalization;
using System.Text;

namespace CaseGrains.Domain;

/// <summary>
/// 脱敏 — masks personal data the way the API shows it (<c>张*</c>, <c>6101**********1234</c>,
/// <c>138****5678</c>). Works on text elements so that rare characters outside the BMP (common in
/// Chinese names) are masked whole rather than split into broken surrogates.
/// </summary>
public static class Masking
{
    private const char Star = '*';

    // Administrative levels down to the township: what stays visible of an address.
    private static readonly string[] AdministrativeSuffixes = ["省", "自治区", "市", "州", "盟", "县", "区", "旗", "镇", "乡", "街道"];

    /// <summary>Keeps the surname (first character), one star per further character: 张三 → 张*.</summary>
    public static string Name(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var elements = TextElements(name.Trim());
        if (elements.Count == 0)
        {
            return string.Empty;
        }

        // A one-character name would be shown whole by "keep the first", so it is starred instead.
        return elements.Count == 1 ? Star.ToString() : elements[0] + new string(Star, elements.Count - 1);
    }

    /// <summary>Keeps the first four (region) and last four characters: 6101**********1234. Eight or fewer characters are starred whole.</summary>
    public static string IdNumber(string idNumber) => KeepEnds(idNumber, 4, 4);

    /// <summary>Keeps the first three and last four characters: 138****5678. Seven or fewer characters are starred whole.</summary>
    public static string Phone(string phone) => KeepEnds(phone, 3, 4);

    /// <summary>
    /// Keeps the administrative part of an address down to the township (省/市/县/区/镇/乡/街道)
    /// and replaces the rest — village, group, house number — by four stars, so the length of what
    /// was hidden is not revealed either: 陕西省西安市长安区王曲街道南堡村5组 → 陕西省西安市长安区王曲街道****.
    /// Without any such marker only the first two characters stay.
    /// </summary>
    public static string Address(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var trimmed = address.Trim();
        if (trimmed.Length == 0)
        {
            return string.Empty;
        }

        var keep = 0;
        foreach (var suffix in AdministrativeSuffixes)
        {
            // Markers beyond the first 16 characters are street names, not administrative levels.
            var searchLength = Math.Min(trimmed.Length, 16);
            var at = trimmed.LastIndexOf(suffix, searchLength - 1, searchLength, StringComparison.Ordinal);
            if (at >= 0)
            {
                keep = Math.Max(keep, at + suffix.Length);
            }
        }

        if (keep == 0 || keep >= trimmed.Length)
        {
            var elements = TextElements(trimmed);
            keep = elements.Count > 2 ? elements[0].Length + elements[1].Length : 0;
        }

        return trimmed[..keep] + new string(Star, 4);
    }

    /// <summary>The same person with every field masked; absent fields stay absent.</summary>
    public static Person Mask(Person person)
    {
        ArgumentNullException.ThrowIfNull(person);
        return new Person(
            Name(person.Name ?? string.Empty),
            person.IdNumber is null ? null : IdNumber(person.IdNumber),
            person.Phone is null ? null : Phone(person.Phone),
            person.Address is null ? null : Address(person.Address));
    }

    /// <summary>Masks a list of people, e.g. the petitioners of a case view.</summary>
    public static IReadOnlyList<Person> Mask(IEnumerable<Person> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        return [.. people.Select(Mask)];
    }

    private static string KeepEnds(string value, int head, int tail)
    {
        ArgumentNullException.ThrowIfNull(value);
        var elements = TextElements(value.Trim());
        if (elements.Count <= head + tail)
        {
            return new string(Star, elements.Count);
        }

        var sb = new StringBuilder();
        for (var i = 0; i < elements.Count; i++)
        {
            if (i < head || i >= elements.Count - tail)
            {
                sb.Append(elements[i]);
            }
            else
            {
                sb.Append(Star);
            }
        }

        return sb.ToString();
    }

    private static List<string> TextElements(string s)
    {
        var list = new List<string>(s.Length);
        var e = StringInfo.GetTextElementEnumerator(s);
        while (e.MoveNext())
        {
            list.Add(e.GetTextElement());
        }

        return list;
    }
}
