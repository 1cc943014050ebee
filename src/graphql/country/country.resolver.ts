import { Query, Resolver } from 'type-graphql';
import { ALL_COUNTRIES, type CountryInfo } from '../../domain/countries';
import { Country } from './country.type';

@Resolver(() => Country)
export class CountryResolver {
  @Query(() => [Country], { description: 'The ISO 3166-1 countries, by name.' })
  countries(): readonly CountryInfo[] {
    return ALL_COUNTRIES;
  }
}
