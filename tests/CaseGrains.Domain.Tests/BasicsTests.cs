using CaseGrains.Domain.Petitions;

namespace CaseGrains.Domain.Tests;

public sealed class CaseNumberTests
{
    [Theory]
    [InlineData(2024, CaseKind.Petition, 1, "2024-XF-0001")]
    [InlineData(2024, CaseKind.Dispute, 52, "2024-JF-0052")]
    [InlineData(2025, CaseKind.Petition, 12345, "2025-XF-12345")]
    public void Format_AndParse_RoundTrip(int year, CaseKind kind, int sequence, string expected)
    {
        Assert.Equal(expected, CaseNumber.Format(year, kind, sequence));
        Assert.True(CaseNumber.TryParse(expected, out var y, out var k, out var s));
        Assert.Equal((year, kind, sequence), (y, k, s));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("2024-XF-001")]
    [InlineData("2024-XF-00001")] // not canonical
    [InlineData("2024-xf-0001")]
    [InlineData("2024-XX-0001")]
    [InlineData("24-XF-0001")]
    [InlineData("2024-XF-0000")]
    [InlineData("2024-XF-00a1")]
    [InlineData("2024-XF-+001")]
    [InlineData("２０２４-XF-0001")]
    public void TryParse_RejectsNonCanonical(string? id)
    {
        Assert.False(CaseNumber.TryParse(id, out _, out _, out _));
    }

    [Fact]
    public void Format_RejectsOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => CaseNumber.Format(2024, CaseKind.Petition, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => CaseNumber.Format(999, CaseKind.Petition, 1));
    }
}

public sealed class MaskingTests
{
    [Theory]
    [InlineData("张三", "张*")]
    [InlineData("欧阳修文", "欧***")]
    [InlineData("张", "*")]
    [InlineData("𠮷野家", "𠮷**")] // a character outside the BMP stays whole
    public void Name(string name, string masked) => Assert.Equal(masked, Masking.Name(name));

    [Fact]
    public void IdNumber_AsInTheApi() => Assert.Equal("6101**********1234", Masking.IdNumber("610102199001011234"));

    [Fact]
    public void Phone_AsInTheApi() => Assert.Equal("138****5678", Masking.Phone("13812345678"));

    [Theory]
    [InlineData("陕西省西安市长安区王曲街道南堡村5组12号", "陕西省西安市长安区王曲街道****")]
    [InlineData("田家寨镇王家村3组", "田家寨镇****")]
    [InlineData("王家村3组", "王家****")]
    public void Address_KeepsAdministrativePartOnly(string address, string masked) => Assert.Equal(masked, Masking.Address(address));

    [Fact]
    public void ShortValues_AreStarredWhole()
    {
        Assert.Equal("*****", Masking.Phone("12345"));
        Assert.Equal("********", Masking.IdNumber("12345678"));
    }

    [Fact]
    public void Mask_Person_HidesEveryField()
    {
        var masked = Masking.Mask(new Person("张三", "610102199001011234", "13812345678", "田家寨镇王家村3组"));
        Assert.Equal(new Person("张*", "6101**********1234", "138****5678", "田家寨镇****"), masked);
        Assert.Equal(new Person("李*"), Masking.Mask(new Person("李四")));
    }
}

public sealed class DecisionTests
{
    [Fact]
    public void Ok_WithoutEvents_IsANoOp()
    {
        var d = Decision<PetitionEvent>.Ok();
        Assert.False(d.IsError);
        Assert.Empty(d.Events);
        Assert.Null(d.Error);
    }

    [Fact]
    public void Fail_CarriesTheError_AndNoEvents()
    {
        var error = new DomainError("x.y", "中", "en");
        Decision<PetitionEvent> d = error;
        Assert.True(d.IsError);
        Assert.Same(error, d.Error);
        Assert.Empty(d.Events);
        Assert.Empty(default(Decision<PetitionEvent>).Events);
    }

    [Fact]
    public void ErrorCodes_HaveKinds()
    {
        Assert.Equal(DomainErrorKind.NotFound, ErrorCodes.KindOf(ErrorCodes.CaseNotFound));
        Assert.Equal(DomainErrorKind.Validation, ErrorCodes.KindOf(ErrorCodes.TimeInFuture));
        Assert.Equal(DomainErrorKind.Conflict, ErrorCodes.KindOf(ErrorCodes.PetitionDeclined));
        Assert.Equal(DomainErrorKind.Rule, ErrorCodes.KindOf(ErrorCodes.PetitionAlreadyExtended));
        Assert.Equal(ErrorCodes.All.Count, ErrorCodes.All.Distinct().Count());
    }
}
