namespace CaseGrains.Domain.Rollups;

/// <summary>
/// 比率 — a published rate with its parts, because townships compute rates differently: the value
/// is a fraction in [0, 1], and null when the denominator is 0 (never shown as 100%).
/// </summary>
public sealed record Rate(double? Value, int Numerator, int Denominator, string Formula)
{
    /// <summary>Builds a rate from its parts.</summary>
    public static Rate Of(int numerator, int denominator, string formula)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(numerator);
        ArgumentOutOfRangeException.ThrowIfNegative(denominator);
        ArgumentNullException.ThrowIfNull(formula);
        return new(denominator == 0 ? null : (double)numerator / denominator, numerator, denominator, formula);
    }

    /// <summary>The rate over several scopes: numerators and denominators added, never rates averaged.</summary>
    public static Rate Sum(IEnumerable<Rate> rates, string formula)
    {
        ArgumentNullException.ThrowIfNull(rates);
        var (n, d) = rates.Aggregate((N: 0, D: 0), (acc, r) => (acc.N + r.Numerator, acc.D + r.Denominator));
        return Of(n, d, formula);
    }
}
