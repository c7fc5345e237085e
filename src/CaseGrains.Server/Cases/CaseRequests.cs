using CaseGrains.Domain;
using CaseGrains.Server.Infrastructure;

namespace CaseGrains.Server.Cases;

/// <summary>Field limits shared by case requests.</summary>
internal static class Limits
{
    public const int Subject = 200;
    public const int Summary = 4000;
    public const int Category = 60;
    public const int Village = 100;
    public const int Name = 50;
    public const int IdNumber = 18;
    public const int Phone = 20;
    public const int Address = 200;
    public const int People = 50;
    public const int Reason = 1000;
    public const int Note = 4000;
    public const int Person = 64;
    public const int Helpers = 20;
    public const int OrderId = 64;
    public const int MaxHeadcount = 10_000;
}

/// <summary>A petitioner or party as sent by a client.</summary>
public sealed record PersonRequest(string? Name, string? IdNumber = null, string? Phone = null, string? Address = null)
{
    internal void Validate(FieldErrors errors, string path)
    {
        errors.Required($"{path}.name", Name, Limits.Name);
        if (IdNumber is not null && !(IdNumber.Length is 15 or 18 && IdNumber[..^1].All(char.IsAsciiDigit) && (char.IsAsciiDigit(IdNumber[^1]) || IdNumber[^1] is 'X' or 'x')))
        {
            errors.Add($"{path}.idNumber", "must be a 15- or 18-character resident ID number");
        }
        if (Phone is not null && (Phone.Length is < 5 or > Limits.Phone || !Phone.All(c => char.IsAsciiDigit(c) || c is '+' or '-' or ' ')))
        {
            errors.Add($"{path}.phone", "must be a phone number of 5 to 20 digits");
        }
        errors.MaxLength($"{path}.address", Address, Limits.Address);
    }

    internal Person ToPerson() => new(Name!.Trim(), IdNumber?.ToUpperInvariant(), Phone, Address);

    internal static void ValidateList(FieldErrors errors, string field, IReadOnlyList<PersonRequest?>? people)
    {
        if (people is null || people.Count == 0)
        {
            errors.Add(field, "at least one person is required");
            return;
        }
        if (people.Count > Limits.People)
        {
            errors.Add(field, $"at most {Limits.People} people");
            return;
        }
        for (var i = 0; i < people.Count; i++)
        {
            if (people[i] is not { } person)
            {
                errors.Add($"{field}[{i}]", "is required");
                continue;
            }
            person.Validate(errors, $"{field}[{i}]");
        }
    }
}

/// <summary>Checks for the ids of people on the roster or among handlers.</summary>
internal static class PersonIds
{
    public static void Validate(FieldErrors errors, string field, IReadOnlyList<string?>? ids)
    {
        if (ids is null)
        {
            return;
        }
        if (ids.Count > Limits.Helpers)
        {
            errors.Add(field, $"at most {Limits.Helpers} entries");
            return;
        }
        for (var i = 0; i < ids.Count; i++)
        {
            errors.Required($"{field}[{i}]", ids[i], Limits.Person);
        }
    }
}
